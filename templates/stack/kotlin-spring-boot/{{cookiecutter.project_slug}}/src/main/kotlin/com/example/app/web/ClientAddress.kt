package com.example.app.web

import com.example.app.config.Settings
import jakarta.servlet.http.HttpServletRequest
import org.springframework.security.web.util.matcher.IpAddressMatcher
import org.springframework.stereotype.Component

/**
 * The address of the client a request comes from: the peer's, unless the peer is one of TRUSTED_PROXIES; then
 * the nearest address of X-Forwarded-For that is not a trusted proxy (a client may forge the left part).
 */
@Component
class ClientAddress(
    settings: Settings,
) {
    private val proxies = settings.trustedProxyList.map { IpAddressMatcher(it) }

    fun of(request: HttpServletRequest): String {
        var address = request.remoteAddr
        if (!trusted(address)) return address
        val forwarded =
            request
                .getHeaders("X-Forwarded-For")
                .toList()
                .flatMap { it.split(",") }
                .map { it.trim() }
        for (hop in forwarded.asReversed()) {
            if (hop.isEmpty()) break
            address = hop
            if (!trusted(hop)) break
        }
        return address
    }

    private fun trusted(address: String): Boolean = proxies.any { runCatching { it.matches(address) }.getOrDefault(false) }
}
