package com.example.app.auth

import com.example.app.config.Settings
import com.example.app.domain.AuthSession
import com.example.app.domain.AuthSessions
import com.example.app.domain.UserAccount
import com.example.app.domain.UserAccounts
import com.example.app.domain.now
import com.example.app.web.ApiException
import com.example.app.web.FieldProblem
import org.slf4j.LoggerFactory
import org.springframework.dao.DataIntegrityViolationException
import org.springframework.http.HttpStatus
{%- if cookiecutter.auth == "session-cookie" %}
import org.springframework.http.ResponseCookie
{%- endif %}
import org.springframework.stereotype.Service
import org.springframework.transaction.annotation.Transactional
{%- if cookiecutter.auth == "session-cookie" %}
import java.security.MessageDigest
{%- endif %}

const val SESSION_COOKIE = "session"
const val CSRF_COOKIE = "csrf_token"
const val CSRF_HEADER = "X-CSRF-Token"

/** The signed-in user of a request, and the server-side session its credentials name. */
data class Current(
    val user: UserAccount,
    val sessionId: String,
) {
    val userId: Long get() = user.id!!
}
{%- if cookiecutter.auth == "session-cookie" %}

/** A session's answer: its body and the Set-Cookie headers that go with it. */
data class SessionReply(
    val body: SessionInfo?,
    val cookies: List<ResponseCookie>,
)
{%- endif %}

/** An unsafe request of a cookie session without its CSRF token. */
class CsrfRefused : RuntimeException("CSRF token missing or invalid")

fun unauthorized(detail: String = "not authenticated") = ApiException(HttpStatus.UNAUTHORIZED, detail)

/**
 * Registration, login, logout, password change and the current user. {% if cookiecutter.auth == "jwt" %}An access token is
 * only as good as its server-side session: logout revokes it, a password change revokes every other session of
 * the user, and a refresh token works once (presenting a used one revokes its session: the whole family).{% else %}A session cookie is
 * only as good as its server-side session: logout revokes it, a password change revokes every other session of
 * the user. The cookie is HttpOnly and signed; unsafe methods must echo the session's CSRF token (readable in
 * the csrf_token cookie) in X-CSRF-Token: double submit, checked against the signed value.{% endif %}
 */
@Service
class Accounts(
    private val users: UserAccounts,
    private val sessions: AuthSessions,
    private val passwords: Passwords,
    private val tokens: Tokens,
    private val backoff: Backoff,
    private val settings: Settings,
) {
    private val audit = LoggerFactory.getLogger("audit")
{%- if cookiecutter.auth == "jwt" %}
    private val accessSeconds = settings.accessTokenMinutes * 60L
    private val refreshSeconds = settings.refreshTokenDays * 86400L

    /** The user and session an `Authorization: Bearer` token names, or null. */
    @Transactional(readOnly = true)
    fun authenticate(authorization: String?): Current? {
        val token = authorization?.takeIf { it.startsWith("Bearer ", ignoreCase = true) }?.substring(7)?.trim() ?: return null
        val claims = tokens.decode(token, "access") ?: return null
        return open(claims.subject, claims.sessionId)
    }
{%- else %}
    private val sessionSeconds = settings.sessionMinutes * 60L

    /**
     * The user and session of the signed session cookie (null: missing, tampered with, expired or closed); an
     * [unsafe] request must also carry the session's CSRF token in X-CSRF-Token ([CsrfRefused]).
     */
    @Transactional(readOnly = true)
    fun authenticate(
        cookie: String?,
        csrfHeader: String?,
        unsafe: Boolean,
    ): Current? {
        val claims = cookie?.let { tokens.decode(it, "session") } ?: return null
        val current = open(claims.subject, claims.sessionId) ?: return null
        if (unsafe && !sameText(csrfHeader, claims.csrf)) throw CsrfRefused()
        return current
    }

    private fun sameText(
        a: String?,
        b: String?,
    ) = a != null && b != null && MessageDigest.isEqual(a.toByteArray(), b.toByteArray())
{%- endif %}

    /** The open session [sessionId] of the active user [subject], or null. */
    private fun open(
        subject: String,
        sessionId: String,
    ): Current? {
        val userId = subject.toLongOrNull() ?: return null
        sessions.findOpen(sessionId, userId, now()) ?: return null
        val user = users.findById(userId).orElse(null)?.takeIf { it.active } ?: return null
        return Current(user, sessionId)
    }

    /**
     * The same answer for a new address and a registered one, in the same time (the password is hashed either
     * way): it never tells which addresses have an account. A registered account is left as it was.
     */
    @Transactional
    fun register(request: UserCreate): Registration {
        val email = request.email.lowercase()
        val hash = passwords.hash(acceptable(request.password, "password"))
        if (users.findByEmail(email) != null) {
            audit.info("registration of a taken address ignored (account {})", Backoff.key(email))
            return Registration(email)
        }
        try {
            val user = users.saveAndFlush(UserAccount(email, hash))
            audit.info("user registered (user {})", user.id)
        } catch (e: DataIntegrityViolationException) {
            audit.info("registration of a taken address ignored (account {})", Backoff.key(email))
        }
        return Registration(email)
    }

    /** The user whose password this is, or 401 (429 while the account backs off). */
    private fun verified(
        request: LoginRequest,
        client: String,
    ): UserAccount {
        val account = Backoff.key(request.email)
        val wait = backoff.wait(account)
        if (wait > 0) {
            throw ApiException(
                HttpStatus.TOO_MANY_REQUESTS,
                "too many failed logins for this account: retry later",
                headers = mapOf("Retry-After" to wait.toString()),
            )
        }
        val user = users.findByEmail(request.email.lowercase())
        val ok = passwords.verify(user?.passwordHash, normalised(request.password))
        if (!ok || user == null || !user.active) {
            backoff.failed(account)
            audit.info("login failed (account {}, client {})", account, client)
            throw unauthorized("invalid email or password")
        }
        backoff.succeeded(account)
        audit.info("login (user {})", user.id)
        return user
    }
{%- if cookiecutter.auth == "jwt" %}

    @Transactional
    fun login(
        request: LoginRequest,
        client: String,
    ): Token {
        val user = verified(request, client)
        val session = sessions.save(AuthSession(tokenId(), user.id!!, tokenId(), now().plusSeconds(refreshSeconds)))
        return tokensOf(user.id!!, session.id, session.refreshJti)
    }

    /** New tokens for a refresh token that is the session's current one; a used one revokes the session. */
    @Transactional(noRollbackFor = [ApiException::class])
    fun refresh(request: RefreshRequest): Token {
        val refused = unauthorized("invalid, expired or reused refresh token")
        val claims = tokens.decode(request.refreshToken, "refresh") ?: throw refused
        val userId = claims.subject.toLongOrNull() ?: throw refused
        sessions.findOpen(claims.sessionId, userId, now()) ?: throw refused
        val next = tokenId()
        if (sessions.rotate(claims.sessionId, claims.tokenId, next) == 0) {
            sessions.revoke(claims.sessionId, now())
            audit.warn("refresh token reused: session revoked (user {})", userId)
            throw refused
        }
        return tokensOf(userId, claims.sessionId, next)
    }

    private fun tokensOf(
        userId: Long,
        sessionId: String,
        refreshJti: String,
    ): Token {
        val subject = userId.toString()
        return Token(
            accessToken = tokens.create(Claims(subject, sessionId, tokenId(), "access"), accessSeconds),
            refreshToken = tokens.create(Claims(subject, sessionId, refreshJti, "refresh"), refreshSeconds),
            expiresIn = accessSeconds,
        )
    }

    /** Ends the session. */
    @Transactional
    fun logout(current: Current) {
        sessions.revoke(current.sessionId, now())
    }
{%- else %}

    @Transactional
    fun login(
        request: LoginRequest,
        client: String,
    ): SessionReply {
        val user = verified(request, client)
        val session = sessions.save(AuthSession(tokenId(), user.id!!, now().plusSeconds(sessionSeconds)))
        val csrf = tokenId()
        val token = tokens.create(Claims(user.id.toString(), session.id, session.id, "session", csrf), sessionSeconds)
        return SessionReply(
            SessionInfo(csrf, sessionSeconds),
            listOf(
                cookie(SESSION_COOKIE, token, sessionSeconds, httpOnly = true),
                cookie(CSRF_COOKIE, csrf, sessionSeconds, httpOnly = false),
            ),
        )
    }

    /** Ends the session and clears both cookies. */
    @Transactional
    fun logout(current: Current): SessionReply {
        sessions.revoke(current.sessionId, now())
        return SessionReply(null, listOf(cookie(SESSION_COOKIE, "", 0, httpOnly = true), cookie(CSRF_COOKIE, "", 0, httpOnly = false)))
    }

    private fun cookie(
        name: String,
        value: String,
        maxAge: Long,
        httpOnly: Boolean,
    ): ResponseCookie =
        ResponseCookie
            .from(name, value)
            .path("/")
            .maxAge(maxAge)
            .httpOnly(httpOnly)
            .secure(settings.cookieSecure)
            .sameSite("Lax")
            .build()
{%- endif %}

    /** A new password (the current one must be given: 403 otherwise); every other session ends. */
    @Transactional
    fun changePassword(
        current: Current,
        request: PasswordChange,
    ) {
        val user = current.user
        if (!passwords.verify(user.passwordHash, normalised(request.currentPassword))) {
            throw ApiException(HttpStatus.FORBIDDEN, "the current password is wrong")
        }
        val hash = passwords.hash(acceptable(request.newPassword, "new_password"))
        users.findById(current.userId).orElseThrow { unauthorized() }.passwordHash = hash
        sessions.revokeOthers(current.userId, current.sessionId, now())
        audit.info("password changed (user {})", current.userId)
    }

    fun me(current: Current) = UserRead(current.userId, current.user.email, current.user.createdAt)

    /** The password, normalised, or 422 saying what is wrong with it (at [member]). */
    private fun acceptable(
        password: String,
        member: String,
    ): String {
        val normalised = normalised(password)
        // as typed too: NFKC lengthens some text ("\uFB03" is "ffi"), and the contract's bounds are on what is sent
        (passwords.problem(password) ?: passwords.problem(normalised))
            ?.let { throw ApiException.invalid(FieldProblem.member(member, it)) }
        return normalised
    }
}
