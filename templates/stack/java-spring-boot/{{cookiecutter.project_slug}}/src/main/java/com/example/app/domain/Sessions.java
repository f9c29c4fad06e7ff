package com.example.app.domain;

import java.time.Instant;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** The server-side sessions. */
public interface Sessions extends JpaRepository<AuthSession, String> {
{%- if cookiecutter.auth == "jwt" %}

  /** Replaces the session's refresh token id when it still is {@code used}: 1, else 0 (a reuse). */
  @Transactional
  @Modifying
  @Query(
      "update AuthSession s set s.refreshJti = :next where s.id = :id and s.refreshJti = :used"
          + " and s.revokedAt is null")
  int rotate(@Param("id") String id, @Param("used") String used, @Param("next") String next);
{%- endif %}

  @Transactional
  @Modifying
  @Query("update AuthSession s set s.revokedAt = :now where s.id = :id and s.revokedAt is null")
  int revoke(@Param("id") String id, @Param("now") Instant now);

  /** Ends every open session of the user but {@code keep}. */
  @Transactional
  @Modifying
  @Query(
      "update AuthSession s set s.revokedAt = :now where s.userId = :userId and s.id <> :keep"
          + " and s.revokedAt is null")
  int revokeOthers(
      @Param("userId") Integer userId, @Param("keep") String keep, @Param("now") Instant now);
}
