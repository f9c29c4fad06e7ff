package security

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims of every token: the user (sub), the server-side session (sid), the token's own id (jti) and its
// kind (typ: access, refresh or session), so that one kind is never accepted as another.
type Claims struct {
	SessionID string `json:"sid"`
	Kind      string `json:"typ"`
	jwt.RegisteredClaims
}

// Tokens signs and checks HS256 JWTs with the server's secret.
type Tokens struct{ secret []byte }

// NewTokens signs with secret (SECRET_KEY, checked at start).
func NewTokens(secret []byte) *Tokens { return &Tokens{secret: secret} }

// Sign is a token of kind for the user's session, valid for ttl.
func (t *Tokens) Sign(userID, sessionID, kind, jti string, ttl time.Duration) (string, error) {
	now := time.Now()
	claims := Claims{SessionID: sessionID, Kind: kind, RegisteredClaims: jwt.RegisteredClaims{
		Subject: userID, ID: jti, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

// Parse checks a token of kind: HS256 only (alg pinned), exp required and in the future.
func (t *Tokens) Parse(token, kind string) (*Claims, bool) {
	claims := &Claims{}
	parsed, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil || !parsed.Valid || claims.Kind != kind || claims.Subject == "" || claims.SessionID == "" {
		return nil, false
	}
	return claims, true
}

// Mac is an HMAC-SHA256 of value under the secret, base64url: the CSRF token of a cookie session.
func (t *Tokens) Mac(purpose, value string) string {
	mac := hmac.New(sha256.New, t.secret)
	mac.Write([]byte(purpose + "\x00" + value))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// RandomID is 256 random bits, base64url: a session or token id.
func RandomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
