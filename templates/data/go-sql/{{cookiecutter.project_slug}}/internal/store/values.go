package store

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Values arrive checked by the contract (internal/contract): strings of the declared format, integers as
// json.Number, booleans, any JSON value for json fields. toDB turns one into its column's value, fromDB
// turns what a driver scanned back into the API form.

// toDB is the column value of an API value of type kind (nil stays NULL).
func (s *Store) toDB(kind string, value any) (any, error) {
	if value == nil {
		return nil, nil
	}
	switch kind {
	case "json":
		text, err := json.Marshal(value)
		if s.dialect.Name == "sqlite" {
			// a BLOB: SQLite's NUMERIC affinity of a JSON column would store the text 5 as an integer and a
			// 20-digit number as a rounded REAL
			return text, err
		}
		return string(text), err
	case "integer":
		return asInt(value)
	case "datetime":
		text, _ := value.(string)
		instant, err := time.Parse(time.RFC3339Nano, text)
		return instant.UTC(), err
	case "uuid", "id-uuid":
		return s.uuidToDB(fmt.Sprint(value)), nil
	case "id-int":
		return asInt(value)
	case "decimal", "date", "string", "text", "enum", "boolean":
		return value, nil
	}
	return nil, fmt.Errorf("unknown field type %q", kind)
}

func asInt(value any) (int64, error) {
	switch v := value.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, nil
		}
		// 430.0 is an integer for JSON Schema (the contract accepted it)
		f, err := v.Float64()
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
			return 0, fmt.Errorf("not an integer: %s", v)
		}
		return int64(f), nil
	case int64:
		return v, nil
	case float64:
		return int64(v), nil
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("not an integer: %T", value)
}

func (s *Store) uuidToDB(text string) string {
	if s.dialect.HexUUID {
		return strings.ToLower(strings.ReplaceAll(text, "-", ""))
	}
	return strings.ToLower(text)
}

// fromDB is the API value of what the driver scanned for a column of type kind (scale: decimals' digits).
func fromDB(kind string, scale int, value any) (any, error) {
	if value == nil {
		return nil, nil
	}
	if b, ok := value.([]byte); ok {
		value = string(b)
	}
	switch kind {
	case "json":
		return decodeJSON(value)
	case "integer", "id-int":
		return asInt(value)
	case "boolean":
		return asBool(value)
	case "decimal":
		return decimalText(value, scale)
	case "date":
		return dateText(value)
	case "datetime", "instant":
		return instantText(value)
	case "uuid", "id-uuid":
		return uuidText(value)
	}
	return fmt.Sprint(value), nil
}

func decodeJSON(value any) (any, error) {
	var text string
	switch v := value.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return nil, fmt.Errorf("json column read as %T", value)
	}
	decoder := json.NewDecoder(strings.NewReader(text))
	decoder.UseNumber()
	var out any
	err := decoder.Decode(&out)
	return out, err
}

func asBool(value any) (bool, error) {
	switch v := value.(type) {
	case bool:
		return v, nil
	case int64:
		return v != 0, nil
	case string:
		return strconv.ParseBool(v)
	}
	return false, fmt.Errorf("boolean column read as %T", value)
}

// decimalText is the decimal with exactly `scale` digits after the point (SQLite keeps a REAL).
func decimalText(value any, scale int) (string, error) {
	var r big.Rat
	switch v := value.(type) {
	case string:
		if _, ok := r.SetString(v); !ok {
			return "", fmt.Errorf("decimal column holds %q", v)
		}
	case float64:
		r.SetFloat64(v)
	case int64:
		r.SetInt64(v)
	default:
		return "", fmt.Errorf("decimal column read as %T", value)
	}
	return r.FloatString(scale), nil
}

func dateText(value any) (string, error) {
	switch v := value.(type) {
	case time.Time:
		return v.Format(time.DateOnly), nil
	case string:
		if len(v) >= 10 {
			return v[:10], nil
		}
	}
	return "", fmt.Errorf("date column read as %T", value)
}

// instantText is RFC 3339 in UTC, fractional seconds only when there are some.
func instantText(value any) (string, error) {
	switch v := value.(type) {
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano), nil
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", time.DateTime} {
			if t, err := time.Parse(layout, v); err == nil {
				return t.UTC().Format(time.RFC3339Nano), nil
			}
		}
	}
	return "", fmt.Errorf("datetime column read as %T", value)
}

func uuidText(value any) (string, error) {
	switch v := value.(type) {
	case string:
		parsed, err := uuid.Parse(v)
		return parsed.String(), err
	case [16]byte:
		return uuid.UUID(v).String(), nil
	}
	return "", fmt.Errorf("uuid column read as %T", value)
}
