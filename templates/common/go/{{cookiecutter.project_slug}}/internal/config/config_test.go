package config

import (
	"strings"
	"testing"
)

func setValid(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite:///./test.db")
	t.Setenv("SECRET_KEY", strings.Repeat("0123456789abcdef", 4))
	t.Setenv("PORT", "9000")
	t.Setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
	t.Setenv("COOKIE_SECURE", "false")
}

func TestSettingsFromTheEnvironment(t *testing.T) {
	setValid(t)
	s, err := FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	if s.Port != 9000 || s.CookieSecure || len(s.TrustedProxies) != 2 || s.MaxRequestBodySize != 1<<20 {
		t.Fatalf("unexpected settings: %+v", s)
	}
}

func TestBadSettingsAreRefusedAtStart(t *testing.T) {
	cases := map[string][2]string{
		"short secret":       {"SECRET_KEY", "too-short"},
		"placeholder secret": {"SECRET_KEY", "change-me-to-a-long-random-string-of-many-bytes"},
		"no database":        {"DATABASE_URL", ""},
		"port out of range":  {"PORT", "70000"},
		"port not a number":  {"PORT", "http"},
		"not a boolean":      {"COOKIE_SECURE", "maybe"},
		"not an address":     {"TRUSTED_PROXIES", "proxy.example.com"},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			setValid(t)
			t.Setenv(change[0], change[1])
			if _, err := FromEnvironment(); err == nil || !strings.Contains(err.Error(), change[0]) {
				t.Fatalf("%s=%q accepted or not named: %v", change[0], change[1], err)
			}
		})
	}
}
