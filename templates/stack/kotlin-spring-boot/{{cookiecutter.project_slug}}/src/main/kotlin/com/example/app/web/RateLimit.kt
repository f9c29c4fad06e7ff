package com.example.app.web

import com.example.app.config.Settings
import org.springframework.http.HttpStatus
import org.springframework.stereotype.Component
import java.util.concurrent.ConcurrentHashMap

private const val WINDOW_MILLIS = 60_000L
private const val MAX_CLIENTS = 100_000

/**
 * AUTH_RATE_LIMIT_PER_MINUTE requests per client address and minute on the auth routes (a fixed window per
 * address); past it, 429 with Retry-After until the window ends. Counted per replica (see the README).
 */
@Component
class RateLimit(
    private val settings: Settings,
) {
    private class Window(
        val start: Long,
        var count: Int,
    )

    private val windows = ConcurrentHashMap<String, Window>()

    /** Counts one request of [client], or throws 429 when its window is full. */
    fun check(
        client: String,
        now: Long = System.currentTimeMillis(),
    ) {
        if (windows.size > MAX_CLIENTS) windows.entries.removeIf { now - it.value.start >= WINDOW_MILLIS }
        val window =
            windows.compute(client) { _, current ->
                if (current == null || now - current.start >= WINDOW_MILLIS) Window(now, 1) else current.apply { count += 1 }
            }!!
        if (window.count > settings.authRateLimitPerMinute) {
            val wait = ((window.start + WINDOW_MILLIS - now + 999) / 1000).coerceAtLeast(1)
            throw ApiException(
                HttpStatus.TOO_MANY_REQUESTS,
                "too many requests: retry later",
                headers =
                    mapOf("Retry-After" to wait.toString()),
            )
        }
    }
}
