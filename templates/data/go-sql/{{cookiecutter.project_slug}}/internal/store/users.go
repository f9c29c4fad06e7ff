package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// User is an account.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	IsActive     bool
	CreatedAt    time.Time
}

// CreateUser adds an account; created is false when the address is already registered.
func (s *Store) CreateUser(ctx context.Context, email, passwordHash string) (created bool, err error) {
	q := s.query("INSERT INTO users (email, password_hash, is_active, created_at) VALUES (").arg(email).raw(", ").
		arg(passwordHash).raw(", ").arg(true).raw(", ").arg(now()).raw(")")
	if _, err := s.db.ExecContext(ctx, q.String(), q.args...); err != nil {
		if errors.Is(classify(err), ErrConflict) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func (s *Store) user(ctx context.Context, column string, value any) (*User, error) {
	q := s.query("SELECT id, email, password_hash, is_active, created_at FROM users WHERE " + column + " = ").arg(value)
	u := &User{}
	err := s.db.QueryRowContext(ctx, q.String(), q.args...).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.IsActive, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return u, err
}

// UserByEmail is the account of that (lower-cased) address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.user(ctx, "email", email)
}

// UserByID is the account of that id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) { return s.user(ctx, "id", id) }

// SetPasswordHash replaces the password of an account.
func (s *Store) SetPasswordHash(ctx context.Context, id int64, passwordHash string) error {
	q := s.query("UPDATE users SET password_hash = ").arg(passwordHash).raw(" WHERE id = ").arg(id)
	_, err := s.db.ExecContext(ctx, q.String(), q.args...)
	return err
}

// OpenSession starts a server-side session of the user, valid for ttl, with its first refresh token id
// (jwt; cookie sessions have no refresh token, and their table no refresh_jti column).
func (s *Store) OpenSession(ctx context.Context, userID int64, id, refreshJTI string, ttl time.Duration) error {
	created := now()
	q := s.query("INSERT INTO auth_sessions (id, user_id, created_at, expires_at")
	if s.model.Auth == "jwt" {
		q.raw(", refresh_jti")
	}
	q.raw(") VALUES (").arg(id).raw(", ").arg(userID).raw(", ").arg(created).raw(", ").arg(created.Add(ttl))
	if s.model.Auth == "jwt" {
		q.raw(", ").arg(refreshJTI)
	}
	q.raw(")")
	_, err := s.db.ExecContext(ctx, q.String(), q.args...)
	return err
}

// SessionActive tells whether the session is the user's, not revoked and not expired.
func (s *Store) SessionActive(ctx context.Context, id string, userID int64) (bool, error) {
	q := s.query("SELECT COUNT(*) FROM auth_sessions WHERE id = ").arg(id).raw(" AND user_id = ").arg(userID).
		raw(" AND revoked_at IS NULL AND expires_at > ").arg(now())
	var n int
	err := s.db.QueryRowContext(ctx, q.String(), q.args...).Scan(&n)
	return n == 1, err
}

// RotateRefresh replaces the session's refresh token id `jti` by `next`. A jti that is not the current one
// is a reused refresh token: the whole session is revoked and rotated is false.
func (s *Store) RotateRefresh(ctx context.Context, id, jti, next string) (rotated bool, err error) {
	q := s.query("UPDATE auth_sessions SET refresh_jti = ").arg(next).raw(" WHERE id = ").arg(id).
		raw(" AND refresh_jti = ").arg(jti).raw(" AND revoked_at IS NULL")
	result, err := s.db.ExecContext(ctx, q.String(), q.args...)
	if err != nil {
		return false, err
	}
	if n, err := result.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	return false, s.RevokeSession(ctx, id)
}

// RevokeSession ends a session (logout, reuse of a refresh token).
func (s *Store) RevokeSession(ctx context.Context, id string) error {
	q := s.query("UPDATE auth_sessions SET revoked_at = ").arg(now()).raw(" WHERE id = ").arg(id).raw(" AND revoked_at IS NULL")
	_, err := s.db.ExecContext(ctx, q.String(), q.args...)
	return err
}

// RevokeOtherSessions ends every session of the user but keep (a password change).
func (s *Store) RevokeOtherSessions(ctx context.Context, userID int64, keep string) error {
	q := s.query("UPDATE auth_sessions SET revoked_at = ").arg(now()).raw(" WHERE user_id = ").arg(userID).
		raw(" AND id <> ").arg(keep).raw(" AND revoked_at IS NULL")
	_, err := s.db.ExecContext(ctx, q.String(), q.args...)
	return err
}
