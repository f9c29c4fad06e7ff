package com.example.app.domain

import jakarta.persistence.Column
import jakarta.persistence.Entity
import jakarta.persistence.GeneratedValue
import jakarta.persistence.GenerationType
import jakarta.persistence.Id
import jakarta.persistence.Table
import org.springframework.data.jpa.repository.JpaRepository
import org.springframework.data.jpa.repository.Modifying
import org.springframework.data.jpa.repository.Query
import java.time.Instant
import java.time.temporal.ChronoUnit

/** Now, to the microsecond the database keeps: what is written is what is read back. */
fun now(): Instant = Instant.now().truncatedTo(ChronoUnit.MICROS)

/** An account: its email is unique (lower-cased), its password only an argon2id hash. */
@Entity
@Table(name = "users")
class UserAccount(
    @Column(name = "email", nullable = false) var email: String,
    @Column(name = "password_hash", nullable = false) var passwordHash: String,
    @Column(name = "is_active", nullable = false) var active: Boolean = true,
    @Column(name = "created_at", nullable = false) var createdAt: Instant = now(),
) {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    var id: Long? = null
}

/**
 * A server-side session: every {% if cookiecutter.auth == "jwt" %}token{% else %}session cookie{% endif %} names one, and is only as good as it is
 * open (not revoked, not expired).{% if cookiecutter.auth == "jwt" %} [refreshJti] is the id of the one refresh token that may still
 * be used: presenting an older one is a reuse, which revokes the session.{% endif %}
 */
@Entity
@Table(name = "auth_sessions")
class AuthSession(
    @Id var id: String,
    @Column(name = "user_id", nullable = false) var userId: Long,
{%- if cookiecutter.auth == "jwt" %}
    @Column(name = "refresh_jti", nullable = false) var refreshJti: String,
{%- endif %}
    @Column(name = "expires_at", nullable = false) var expiresAt: Instant,
    @Column(name = "created_at", nullable = false) var createdAt: Instant = now(),
    @Column(name = "revoked_at") var revokedAt: Instant? = null,
)

interface UserAccounts : JpaRepository<UserAccount, Long> {
    fun findByEmail(email: String): UserAccount?
}

interface AuthSessions : JpaRepository<AuthSession, String> {
    @Query("select s from AuthSession s where s.id = :id and s.userId = :userId and s.revokedAt is null and s.expiresAt > :now")
    fun findOpen(
        id: String,
        userId: Long,
        now: Instant,
    ): AuthSession?

    @Modifying
    @Query("update AuthSession s set s.revokedAt = :now where s.id = :id and s.revokedAt is null")
    fun revoke(
        id: String,
        now: Instant,
    ): Int

    @Modifying
    @Query("update AuthSession s set s.revokedAt = :now where s.userId = :userId and s.id <> :keep and s.revokedAt is null")
    fun revokeOthers(
        userId: Long,
        keep: String,
        now: Instant,
    ): Int
{%- if cookiecutter.auth == "jwt" %}

    /** Moves the session to its next refresh token if [jti] is the current one (0 rows: a reuse). */
    @Modifying
    @Query("update AuthSession s set s.refreshJti = :next where s.id = :id and s.refreshJti = :jti and s.revokedAt is null")
    fun rotate(
        id: String,
        jti: String,
        next: String,
    ): Int
{%- endif %}
}
