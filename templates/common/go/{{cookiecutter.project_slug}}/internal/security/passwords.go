// Package security holds the credentials: argon2id password hashes (a bounded number computed at once),
// the password policy and the signed tokens (HS256 JWTs).
package security

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: RFC 9106's second recommended option (64 MiB, one pass, four lanes).
const (
	argonTime    = 1
	argonMemory  = 64 * 1024
	argonThreads = 4
	argonKeyLen  = 32
	argonSaltLen = 16
)

var b64 = base64.RawStdEncoding

// Hasher hashes and verifies passwords, at most `concurrency` at once: each hash takes 64 MiB, and a burst
// of logins must not take the memory of the server.
type Hasher struct {
	slots chan struct{}
	// dummy is verified against when an account does not exist, so that unknown emails take as long
	dummy string
}

// NewHasher makes a hasher computing at most concurrency hashes at once.
func NewHasher(concurrency int) (*Hasher, error) {
	h := &Hasher{slots: make(chan struct{}, concurrency)}
	dummy, err := h.Hash(context.Background(), "a password nobody has, hashed for timing")
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash is the PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$key) of the password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify tells whether password matches encoded; an empty encoded (no such account) is checked against a
// dummy hash and is never a match, in the same time.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	known := encoded != ""
	if !known {
		encoded = h.dummy
	}
	var version int
	var memory, time uint32
	var threads uint8
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("not an argon2id hash")
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil {
		return false, err
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false, err
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	return known && subtle.ConstantTimeCompare(got, want) == 1, nil
}
