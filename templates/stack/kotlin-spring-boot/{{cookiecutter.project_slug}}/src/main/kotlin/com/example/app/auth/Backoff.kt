package com.example.app.auth

import com.example.app.config.Settings
import org.springframework.stereotype.Component
import java.security.MessageDigest
import java.util.concurrent.ConcurrentHashMap

private const val MAX_ACCOUNTS = 100_000

/**
 * Per-account backoff: after LOGIN_LOCKOUT_FAILURES failed logins an account waits 1, 2, 4, ... seconds (at
 * most LOGIN_LOCKOUT_MAX_SECONDS) before the next attempt, wherever it comes from. Keyed on a hash of the
 * address, so that the table holds no email.
 */
@Component
class Backoff(
    private val settings: Settings,
) {
    private class Entry(
        var failures: Int,
        var until: Long,
        var seen: Long,
    )

    private val accounts = ConcurrentHashMap<String, Entry>()

    /** Seconds to wait before this account may try again (0: now). */
    fun wait(
        key: String,
        now: Long = System.currentTimeMillis(),
    ): Long {
        val entry = accounts[key] ?: return 0
        return if (entry.until > now) (entry.until - now + 999) / 1000 else 0
    }

    fun failed(
        key: String,
        now: Long = System.currentTimeMillis(),
    ) {
        if (accounts.size > MAX_ACCOUNTS) accounts.entries.removeIf { now - it.value.seen > settings.loginLockoutMaxSeconds * 1000L }
        accounts.compute(key) { _, current ->
            val entry = current ?: Entry(0, 0, now)
            if (now - entry.seen > settings.loginLockoutMaxSeconds * 1000L) entry.failures = 0
            entry.failures += 1
            entry.seen = now
            val over = entry.failures - settings.loginLockoutFailures
            if (over > 0) {
                val seconds = minOf(settings.loginLockoutMaxSeconds.toLong(), 1L shl minOf(over - 1, 30))
                entry.until = now + seconds * 1000
            }
            entry
        }
    }

    fun succeeded(key: String) {
        accounts.remove(key)
    }

    companion object {
        /** The account's key: a SHA-256 of its normalised, lower-cased email. */
        fun key(email: String): String =
            MessageDigest
                .getInstance("SHA-256")
                .digest(normalised(email).lowercase().toByteArray())
                .joinToString("") { "%02x".format(it) }
    }
}
