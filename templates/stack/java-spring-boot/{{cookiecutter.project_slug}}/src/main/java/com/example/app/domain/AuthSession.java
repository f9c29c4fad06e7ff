package com.example.app.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A server-side session (table auth_sessions): every credential names one, so that logout, a
 * password change or a reused refresh token can end it.
 */
@Entity
@Table(name = "auth_sessions")
public class AuthSession {

  @Id public String id;

  @Column(name = "user_id", nullable = false)
  public Integer userId;
{%- if cookiecutter.auth == "jwt" %}

  /** the id of the one refresh token of this session that may still be used */
  @Column(name = "refresh_jti", nullable = false)
  public String refreshJti;
{%- endif %}

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "expires_at", nullable = false)
  public Instant expiresAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;

  /** Open: neither revoked nor expired. */
  public boolean isOpen(Instant now) {
    return revokedAt == null && expiresAt.isAfter(now);
  }
}
