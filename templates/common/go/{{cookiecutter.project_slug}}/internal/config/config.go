// Package config reads the settings from the environment and checks them once, at start: a missing or
// malformed value stops the server with one clear line rather than failing later.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// MinSecretBytes is the shortest SECRET_KEY accepted (HS256 wants at least 256 bits of key).
const MinSecretBytes = 32

// placeholders are published example values of SECRET_KEY (.env.example, the README): never a real secret.
var placeholders = []string{"change-me", "changeme", "secret", "placeholder", "example"}

// Settings of the server.
type Settings struct {
	DatabaseURL        string
	SecretKey          []byte
	Host               string
	Port               int
	LogLevel           string
	TrustedProxies     []netip.Prefix
	AuthRatePerMinute  int
	HashConcurrency    int
	AccessTokenTTL     time.Duration
	RefreshTokenTTL    time.Duration
	SessionTTL         time.Duration
	CookieSecure       bool
	MaxRequestBodySize int64
}

// FromEnvironment reads the settings of the environment, or says in one error what is wrong.
func FromEnvironment() (*Settings, error) {
	r := reader{}
	s := &Settings{
		DatabaseURL:        r.text("DATABASE_URL", ""),
		SecretKey:          []byte(os.Getenv("SECRET_KEY")),
		Host:               r.text("HOST", "0.0.0.0"),
		Port:               r.integer("PORT", 8080, 1, 65535),
		LogLevel:           r.text("LOG_LEVEL", "info"),
		TrustedProxies:     r.prefixes("TRUSTED_PROXIES"),
		AuthRatePerMinute:  r.integer("AUTH_RATE_LIMIT_PER_MINUTE", 20, 1, 100000),
		HashConcurrency:    r.integer("PASSWORD_HASH_CONCURRENCY", 4, 1, 64),
		AccessTokenTTL:     time.Duration(r.integer("ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 1440)) * time.Minute,
		RefreshTokenTTL:    time.Duration(r.integer("REFRESH_TOKEN_EXPIRE_DAYS", 14, 1, 365)) * 24 * time.Hour,
		SessionTTL:         time.Duration(r.integer("SESSION_EXPIRE_MINUTES", 480, 1, 43200)) * time.Minute,
		CookieSecure:       r.boolean("COOKIE_SECURE", true),
		MaxRequestBodySize: 1 << 20,
	}
	if s.DatabaseURL == "" {
		r.errs = append(r.errs, errors.New("DATABASE_URL is not set"))
	}
	r.errs = append(r.errs, checkSecret(s.SecretKey))
	if err := errors.Join(r.errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// checkSecret refuses a missing, short or placeholder SECRET_KEY.
func checkSecret(secret []byte) error {
	if len(secret) < MinSecretBytes {
		return fmt.Errorf("SECRET_KEY must be at least %d bytes (e.g. openssl rand -hex 32)", MinSecretBytes)
	}
	lowered := strings.ToLower(string(secret))
	for _, p := range placeholders {
		if strings.Contains(lowered, p) {
			return errors.New("SECRET_KEY is a placeholder: set a random value (e.g. openssl rand -hex 32)")
		}
	}
	return nil
}

// reader collects every problem of the environment, so that one start reports them all.
type reader struct{ errs []error }

func (r *reader) text(name, fallback string) string {
	if value, ok := os.LookupEnv(name); ok && value != "" {
		return value
	}
	return fallback
}

func (r *reader) integer(name string, fallback, low, high int) int {
	value := os.Getenv(name)
	if value == "" {
		return fallback
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < low || n > high {
		r.errs = append(r.errs, fmt.Errorf("%s must be an integer from %d to %d", name, low, high))
		return fallback
	}
	return n
}

func (r *reader) boolean(name string, fallback bool) bool {
	value := os.Getenv(name)
	if value == "" {
		return fallback
	}
	b, err := strconv.ParseBool(value)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s must be true or false", name))
		return fallback
	}
	return b
}

// prefixes reads a comma-separated list of IP addresses and CIDR ranges.
func (r *reader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, item := range strings.Split(os.Getenv(name), ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if prefix, err := netip.ParsePrefix(item); err == nil {
			out = append(out, prefix.Masked())
		} else if addr, err := netip.ParseAddr(item); err == nil {
			out = append(out, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
		} else {
			r.errs = append(r.errs, fmt.Errorf("%s: %q is not an IP address or CIDR range", name, item))
		}
	}
	return out
}
