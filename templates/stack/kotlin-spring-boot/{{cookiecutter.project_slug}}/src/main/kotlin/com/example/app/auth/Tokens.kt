package com.example.app.auth

import com.example.app.config.Settings
import com.nimbusds.jose.JOSEObjectType
import com.nimbusds.jose.JWSAlgorithm
import com.nimbusds.jose.JWSHeader
import com.nimbusds.jose.crypto.MACSigner
import com.nimbusds.jose.crypto.MACVerifier
import com.nimbusds.jwt.JWTClaimsSet
import com.nimbusds.jwt.SignedJWT
import org.springframework.context.annotation.Lazy
import org.springframework.stereotype.Component
import java.security.SecureRandom
import java.time.Instant
import java.util.Base64
import java.util.Date

private val random = SecureRandom()

/** A random identifier (256 bits, base64url): session ids, token ids, CSRF tokens. */
fun tokenId(): String = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteArray(32).also { random.nextBytes(it) })

/** The claims the app puts in (and requires of) its tokens; [csrf] only in a session cookie's. */
data class Claims(
    val subject: String,
    val sessionId: String,
    val tokenId: String,
    val kind: String,
    val csrf: String? = null,
)

/**
 * HS256 JWTs signed with SECRET_KEY (Nimbus JOSE + JWT). The algorithm is pinned: a token of any other
 * algorithm (`none` included) is refused, and so is one without `exp`, expired, or of another kind.
 * Made at start although beans are lazy (application.yml): it needs the settings, whose check (SECRET_KEY
 * above all) must stop a misconfigured application before it serves anything.
 */
@Component
@Lazy(false)
class Tokens(
    settings: Settings,
) {
    private val secret = settings.secretKey.toByteArray()
    private val signer = MACSigner(secret)
    private val verifier = MACVerifier(secret)

    fun create(
        claims: Claims,
        lifetimeSeconds: Long,
    ): String {
        val now = Instant.now()
        val body =
            JWTClaimsSet
                .Builder()
                .subject(claims.subject)
                .jwtID(claims.tokenId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
                .claim("sid", claims.sessionId)
                .claim("typ", claims.kind)
                .apply { claims.csrf?.let { claim("csrf", it) } }
                .build()
        val jwt = SignedJWT(JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), body)
        jwt.sign(signer)
        return jwt.serialize()
    }

    /** The claims of a valid, unexpired token of this [kind], or null. */
    fun decode(
        token: String,
        kind: String,
    ): Claims? =
        runCatching {
            val jwt = SignedJWT.parse(token)
            if (jwt.header.algorithm != JWSAlgorithm.HS256 || !jwt.verify(verifier)) return null
            val claims = jwt.jwtClaimsSet
            val expires = claims.expirationTime ?: return null
            if (!expires.toInstant().isAfter(Instant.now()) || claims.getStringClaim("typ") != kind) return null
            Claims(
                subject = claims.subject ?: return null,
                sessionId = claims.getStringClaim("sid") ?: return null,
                tokenId = claims.jwtid ?: return null,
                kind = kind,
                csrf = claims.getStringClaim("csrf"),
            )
        }.getOrNull()
}
