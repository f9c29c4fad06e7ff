package service

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/security"
	"{{ cookiecutter.project_slug }}/internal/store"
)

// Registration, login, refresh, logout, password change and the current user. A token (or a session
// cookie) is only as good as its server-side session: logout revokes it, a password change revokes every
// other session of the user, and a refresh token used twice revokes its whole session. The scheme is the
// auth decision (model.json): bearer JWTs (jwt) or an HttpOnly signed session cookie with a CSRF token
// checked on unsafe methods (session-cookie); the cookie and header names are the contract's.

// Current is the authenticated user and session of a request.
type Current struct {
	User      *store.User
	SessionID string
}

// Accounts holds the credentials logic.
type Accounts struct {
	api     *API
	hasher  *security.Hasher
	tokens  *security.Tokens
	backoff *Backoff
	limiter *Limiter
	audit   *slog.Logger
	cookies bool
	// the contract's names of the session cookie and the CSRF header (session-cookie)
	sessionCookie, csrfHeader string
}

const csrfCookie = "csrf_token"

func newAccounts(api *API, hasher *security.Hasher, audit *slog.Logger) *Accounts {
	a := &Accounts{
		api: api, hasher: hasher, tokens: security.NewTokens(api.Settings.SecretKey), backoff: NewBackoff(5, 15*time.Minute),
		limiter: NewLimiter(api.Settings.AuthRatePerMinute), audit: audit, cookies: api.Model.Auth == "session-cookie",
	}
	for _, ref := range api.Contract.Document.Components.SecuritySchemes {
		if s := ref.Value; s != nil && s.Type == "apiKey" {
			if s.In == "cookie" {
				a.sessionCookie = s.Name
			} else if s.In == "header" {
				a.csrfHeader = s.Name
			}
		}
	}
	return a
}

func (a *Accounts) register(handlers map[string]operation) {
	handlers["auth_register"] = a.registerUser
	handlers["auth_login"] = a.login
	handlers["auth_logout"] = a.logout
	handlers["auth_change_password"] = a.changePassword
	handlers["users_me"] = a.me
	if !a.cookies {
		handlers["auth_refresh"] = a.refresh
	}
}

// limited is the 429 of a login or registration over the client address's rate (nil: go on).
func (a *Accounts) limited(operationID, clientIP string) *problem.Problem {
	if operationID != "auth_login" && operationID != "auth_register" {
		return nil
	}
	if wait := a.limiter.Wait(operationID + " " + clientIP); wait > 0 {
		return problem.New(http.StatusTooManyRequests, "too many requests: retry later").With("Retry-After", strconv.Itoa(wait))
	}
	return nil
}

func unauthorized(detail string) *problem.Problem {
	return problem.New(http.StatusUnauthorized, detail).With("WWW-Authenticate", `Bearer realm="api"`)
}

// acceptable is the normalised password, or the 422 saying what is wrong with it (at pointer).
func acceptable(password, pointer string) (string, *problem.Problem) {
	normalised := security.Normalise(password)
	// as typed too: NFKC lengthens some text ("ﬃ" is "ffi"), and the contract's bounds are on what is sent
	why := security.PasswordProblem(password)
	if why == "" {
		why = security.PasswordProblem(normalised)
	}
	if why != "" {
		return "", problem.Invalid([]problem.FieldError{fieldError(pointer, why)})
	}
	return normalised, nil
}

func fieldError(pointer, detail string) problem.FieldError {
	return problem.FieldError{Pointer: pointer, Detail: detail}
}

func text(body map[string]any, name string) string {
	value, _ := body[name].(string)
	return value
}

// authenticate is the user and open session of the request's credentials, or 401 (403: a cookie session's
// unsafe request without its CSRF token).
func (a *Accounts) authenticate(ctx context.Context, r *Request) (*Current, error) {
	var token string
	kind := "access"
	if a.cookies {
		kind = "session"
		if cookie, err := r.HTTP.Cookie(a.sessionCookie); err == nil {
			token = cookie.Value
		}
	} else if scheme, value, found := strings.Cut(r.HTTP.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(value)
	}
	if token == "" {
		return nil, unauthorized("not authenticated")
	}
	claims, valid := a.tokens.Parse(token, kind)
	if !valid {
		return nil, unauthorized("invalid or expired credentials")
	}
	current, err := a.open(ctx, claims.Subject, claims.SessionID)
	if err != nil || current == nil {
		return nil, errors.Join(unauthorized("invalid or expired credentials"), err)
	}
	if a.cookies && unsafe(r.HTTP.Method) {
		want := a.tokens.Mac("csrf", current.SessionID)
		if subtle.ConstantTimeCompare([]byte(r.HTTP.Header.Get(a.csrfHeader)), []byte(want)) != 1 {
			return nil, problem.New(http.StatusForbidden, "missing or wrong CSRF token")
		}
	}
	return current, nil
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// open is the session sid of the active user sub, or nil.
func (a *Accounts) open(ctx context.Context, sub, sid string) (*Current, error) {
	userID, err := strconv.ParseInt(sub, 10, 64)
	if err != nil {
		return nil, nil
	}
	active, err := a.api.Store.SessionActive(ctx, sid, userID)
	if err != nil || !active {
		return nil, err
	}
	user, err := a.api.Store.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !user.IsActive) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Current{User: user, SessionID: sid}, nil
}

// registerUser answers 201 {"email"} for a new address and a registered one alike, in the same time (the
// password is hashed either way): the answer never tells which addresses have an account.
func (a *Accounts) registerUser(ctx context.Context, c *call) (*Reply, error) {
	email := strings.ToLower(text(c.body, "email"))
	password, invalid := acceptable(text(c.body, "password"), "#/password")
	if invalid != nil {
		return nil, invalid
	}
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	created, err := a.api.Store.CreateUser(ctx, email, hash)
	if err != nil {
		return nil, err
	}
	if created {
		a.audit.InfoContext(ctx, "user registered", "event", "user_registered")
	} else {
		a.audit.InfoContext(ctx, "registration of a taken address ignored", "event", "registration_ignored", "email_hash", AccountKey(email))
	}
	return &Reply{Status: http.StatusCreated, Body: map[string]any{"email": email}}, nil
}

func (a *Accounts) login(ctx context.Context, c *call) (*Reply, error) {
	email := strings.ToLower(text(c.body, "email"))
	account := AccountKey(email)
	if wait := a.backoff.Wait(account); wait > 0 {
		return nil, problem.New(http.StatusTooManyRequests, "too many failed logins for this account: retry later").With("Retry-After", strconv.Itoa(wait))
	}
	user, err := a.api.Store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	stored := ""
	if user != nil {
		stored = user.PasswordHash
	}
	matches, err := a.hasher.Verify(ctx, stored, security.Normalise(text(c.body, "password")))
	if err != nil {
		return nil, err
	}
	if !matches || user == nil || !user.IsActive {
		a.backoff.Failed(account)
		a.audit.InfoContext(ctx, "login failed", "event", "login_failed", "email_hash", account, "ip", c.ClientIP)
		return nil, unauthorized("invalid email or password")
	}
	a.backoff.Succeeded(account)
	sessionID, jti := security.RandomID(), security.RandomID()
	lifetime := a.api.Settings.RefreshTokenTTL
	if a.cookies {
		lifetime = a.api.Settings.SessionTTL
	}
	if err := a.api.Store.OpenSession(ctx, user.ID, sessionID, jti, lifetime); err != nil {
		return nil, err
	}
	a.audit.InfoContext(ctx, "login", "event", "login", "user_id", user.ID)
	if a.cookies {
		return a.sessionReply(user.ID, sessionID)
	}
	return a.tokenReply(user.ID, sessionID, jti)
}

func (a *Accounts) tokenReply(userID int64, sessionID, refreshJTI string) (*Reply, error) {
	sub := strconv.FormatInt(userID, 10)
	settings := a.api.Settings
	access, err := a.tokens.Sign(sub, sessionID, "access", security.RandomID(), settings.AccessTokenTTL)
	if err != nil {
		return nil, err
	}
	refresh, err := a.tokens.Sign(sub, sessionID, "refresh", refreshJTI, settings.RefreshTokenTTL)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{
		"access_token": access, "token_type": "bearer", "expires_in": int(settings.AccessTokenTTL.Seconds()), "refresh_token": refresh,
	}), nil
}

// sessionReply sets the HttpOnly session cookie (a signed token naming the server-side session) and the
// readable CSRF cookie, whose value the client sends back in the CSRF header on unsafe methods.
func (a *Accounts) sessionReply(userID int64, sessionID string) (*Reply, error) {
	ttl := a.api.Settings.SessionTTL
	token, err := a.tokens.Sign(strconv.FormatInt(userID, 10), sessionID, "session", security.RandomID(), ttl)
	if err != nil {
		return nil, err
	}
	csrf := a.tokens.Mac("csrf", sessionID)
	secure := a.api.Settings.CookieSecure
	maxAge := int(ttl.Seconds())
	return &Reply{
		Status: http.StatusOK,
		Body:   map[string]any{"csrf_token": csrf, "expires_in": maxAge},
		Cookies: []*http.Cookie{
			{Name: a.sessionCookie, Value: token, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode},
			{Name: csrfCookie, Value: csrf, Path: "/", MaxAge: maxAge, Secure: secure, SameSite: http.SameSiteLaxMode},
		},
	}, nil
}

func (a *Accounts) refresh(ctx context.Context, c *call) (*Reply, error) {
	refused := unauthorized("invalid, expired or reused refresh token")
	claims, valid := a.tokens.Parse(text(c.body, "refresh_token"), "refresh")
	if !valid {
		return nil, refused
	}
	current, err := a.open(ctx, claims.Subject, claims.SessionID)
	if err != nil || current == nil {
		return nil, errors.Join(refused, err)
	}
	next := security.RandomID()
	rotated, err := a.api.Store.RotateRefresh(ctx, current.SessionID, claims.ID, next)
	if err != nil {
		return nil, err
	}
	if !rotated {
		a.audit.WarnContext(ctx, "refresh token reused: session revoked", "event", "refresh_reused", "user_id", current.User.ID)
		return nil, refused
	}
	return a.tokenReply(current.User.ID, current.SessionID, next)
}

func (a *Accounts) logout(ctx context.Context, c *call) (*Reply, error) {
	if err := a.api.Store.RevokeSession(ctx, c.current.SessionID); err != nil {
		return nil, err
	}
	reply := &Reply{Status: http.StatusNoContent}
	if a.cookies {
		for _, name := range []string{a.sessionCookie, csrfCookie} {
			reply.Cookies = append(reply.Cookies, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: name == a.sessionCookie, Secure: a.api.Settings.CookieSecure})
		}
	}
	return reply, nil
}

func (a *Accounts) changePassword(ctx context.Context, c *call) (*Reply, error) {
	user := c.current.User
	matches, err := a.hasher.Verify(ctx, user.PasswordHash, security.Normalise(text(c.body, "current_password")))
	if err != nil {
		return nil, err
	}
	if !matches {
		return nil, problem.New(http.StatusForbidden, "the current password is wrong")
	}
	password, invalid := acceptable(text(c.body, "new_password"), "#/new_password")
	if invalid != nil {
		return nil, invalid
	}
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	if err := a.api.Store.SetPasswordHash(ctx, user.ID, hash); err != nil {
		return nil, err
	}
	if err := a.api.Store.RevokeOtherSessions(ctx, user.ID, c.current.SessionID); err != nil {
		return nil, err
	}
	a.audit.InfoContext(ctx, "password changed", "event", "password_changed", "user_id", user.ID)
	return &Reply{Status: http.StatusNoContent}, nil
}

func (a *Accounts) me(_ context.Context, c *call) (*Reply, error) {
	u := c.current.User
	return ok(map[string]any{"id": u.ID, "email": u.Email, "created_at": u.CreatedAt.UTC().Format(time.RFC3339Nano)}), nil
}
