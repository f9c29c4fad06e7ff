{% raw %}package store

import (
	"encoding/json"
	"testing"
	"time"
)

// What each driver may hand back for a column, and the API value it stands for.
func TestValuesFromTheDatabase(t *testing.T) {
	instant := time.Date(2024, 1, 10, 0, 30, 0, 0, time.UTC)
	cases := []struct {
		kind  string
		scale int
		in    any
		want  any
	}{
		{"decimal", 2, "1.5", "1.50"},
		{"decimal", 2, []byte("12.34"), "12.34"},
		{"decimal", 2, 1.07, "1.07"}, // SQLite keeps a REAL
		{"decimal", 2, int64(3), "3.00"},
		{"date", 0, instant, "2024-01-10"},
		{"date", 0, "2024-01-10", "2024-01-10"},
		{"datetime", 0, instant.In(time.FixedZone("X", 3600)), "2024-01-10T00:30:00Z"},
		{"instant", 0, "2024-01-10 00:30:00", "2024-01-10T00:30:00Z"},
		{"boolean", 0, int64(1), true},
		{"boolean", 0, false, false},
		{"boolean", 0, "true", true},
		{"integer", 0, int64(7), int64(7)},
		{"integer", 0, json.Number("430.0"), int64(430)},
		{"uuid", 0, "0190a0b0c0d07000800000000000000a", "0190a0b0-c0d0-7000-8000-00000000000a"},
		{"uuid", 0, [16]byte{0: 1}, "01000000-0000-0000-0000-000000000000"},
		{"string", 0, []byte("text"), "text"},
		{"json", 0, `{"a": [1, "x", null]}`, map[string]any{"a": []any{json.Number("1"), "x", nil}}},
		{"json", 0, nil, nil},
		{"json", 0, []byte(`5`), json.Number("5")}, // SQLite: written as a BLOB, so never converted to a number
	}
	for _, c := range cases {
		got, err := fromDB(c.kind, c.scale, c.in)
		if err != nil {
			t.Fatalf("%s %v: %v", c.kind, c.in, err)
		}
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(c.want)
		if string(gotJSON) != string(wantJSON) {
			t.Fatalf("%s %v: got %s, want %s", c.kind, c.in, gotJSON, wantJSON)
		}
	}
}

func TestUnreadableValuesAreErrors(t *testing.T) {
	for _, c := range []struct {
		kind string
		in   any
	}{
		{"decimal", "abc"}, {"boolean", 2.5}, {"date", 5}, {"datetime", "yesterday"}, {"uuid", "not-a-uuid"},
		{"integer", json.Number("1.5")},
	} {
		if _, err := fromDB(c.kind, 2, c.in); err == nil {
			t.Fatalf("%s %v was read", c.kind, c.in)
		}
	}
}
{% endraw %}