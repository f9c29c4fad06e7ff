package com.example.app.auth

import com.example.app.config.Settings
import com.example.app.web.ApiException
import org.springframework.core.io.ClassPathResource
import org.springframework.http.HttpStatus
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder
import org.springframework.stereotype.Component
import java.text.Normalizer
import java.util.concurrent.Semaphore
import java.util.concurrent.TimeUnit

const val MIN_PASSWORD_LENGTH = 12
const val MAX_PASSWORD_LENGTH = com.example.app.api.MAX_PASSWORD

/** What attack rules append to a common password first: digits, punctuation, spaces. */
private val APPENDED = Regex("""^[\W\d_]*$""")

/** How long a request waits for a free hashing slot before it is shed with 503. */
private const val HASH_WAIT_SECONDS = 10L

/** The password as it is checked and hashed: NFKC-normalised (the same text whatever the keyboard). */
fun normalised(password: String): String = Normalizer.normalize(password, Normalizer.Form.NFKC)

/**
 * The password policy (12 to 128 characters as typed and after NFKC, not blank, no NUL, not a common password or one
 * followed by digits and symbols) and argon2id hashing (OWASP's baseline: 19 MiB, 2 passes, 1 lane), a
 * bounded number at once: each hash takes 19 MiB and a core.
 */
@Component
class Passwords(
    settings: Settings,
) {
    private val encoder = Argon2PasswordEncoder(16, 32, 1, 19456, 2)
    private val slots = Semaphore(settings.passwordHashConcurrency, true)
    private val common: Set<String> =
        ClassPathResource("common-passwords.txt").inputStream.bufferedReader().useLines { lines ->
            lines.filter { it.isNotEmpty() && !it.startsWith("#") }.toSet()
        }

    /** Verified when the email is unknown, so that both failures take the same time. */
    private val dummy = encoder.encode("dummy password used for timing")

    /** Why the password (as typed, or normalised) is refused, or null when it is acceptable. Never echoes it. */
    fun problem(password: String): String? {
        val length = password.codePointCount(0, password.length)
        val folded = password.lowercase()
        return when {
            '\u0000' in password -> "must not contain NUL characters"
            password.isBlank() -> "must not be only whitespace"
            length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH ->
                "must be $MIN_PASSWORD_LENGTH to $MAX_PASSWORD_LENGTH characters long"
            (folded.length downTo 1).any { end -> folded.substring(0, end) in common && APPENDED.matches(folded.substring(end)) } ->
                "is too common: choose a longer passphrase of unrelated words"
            else -> null
        }
    }

    fun hash(password: String): String = bounded { encoder.encode(password) }

    /** Whether [password] matches [hash]; a missing hash (unknown user) costs the same and fails. */
    fun verify(
        hash: String?,
        password: String,
    ): Boolean {
        val ok = bounded { runCatching { encoder.matches(password, hash ?: dummy) }.getOrDefault(false) }
        return ok && hash != null
    }

    private fun <T> bounded(work: () -> T): T {
        if (!slots.tryAcquire(HASH_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw ApiException(HttpStatus.SERVICE_UNAVAILABLE, "too busy: retry later", headers = mapOf("Retry-After" to "1"))
        }
        try {
            return work()
        } finally {
            slots.release()
        }
    }
}
