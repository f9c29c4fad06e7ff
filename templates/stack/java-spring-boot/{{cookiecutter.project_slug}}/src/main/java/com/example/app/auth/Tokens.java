package com.example.app.auth;

import com.example.app.config.Settings;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * HS256 tokens signed with SECRET_KEY (Nimbus through Spring Security): the algorithm is pinned,
 * {@code exp} is required, and each token says what it is ({@code typ}) and which server-side
 * session it belongs to ({@code sid}).
 */
@Component
public class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JwtEncoder encoder;
  private final JwtDecoder decoder;

  public Tokens(Settings settings) {
    SecretKey key =
        new SecretKeySpec(settings.secretKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
    NimbusJwtDecoder nimbus = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
    OAuth2TokenValidator<Jwt> expiring =
        jwt ->
            jwt.getExpiresAt() == null
                ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "no exp", null))
                : OAuth2TokenValidatorResult.success();
    nimbus.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(), expiring));
    this.decoder = nimbus;
  }

  /** 32 random bytes, base64url: session ids, token ids, CSRF tokens. */
  public static String randomId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A signed token of type {@code typ} for the user's session, valid for {@code lifetime}. */
  public String create(
      String typ, Integer userId, String sessionId, String jti, Duration lifetime, Map<String, String> extra) {
    Instant now = Instant.now();
    JwtClaimsSet.Builder claims =
        JwtClaimsSet.builder()
            .subject(String.valueOf(userId))
            .issuedAt(now)
            .expiresAt(now.plus(lifetime))
            .id(jti)
            .claim("sid", sessionId)
            .claim("typ", typ);
    extra.forEach(claims::claim);
    JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).build();
    return encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
  }

  /** The claims of a valid, unexpired token of type {@code typ}, or empty. */
  public Optional<Jwt> decode(String token, String typ) {
    try {
      Jwt jwt = decoder.decode(token);
      return typ.equals(jwt.getClaimAsString("typ")) && jwt.getClaimAsString("sid") != null
          ? Optional.of(jwt)
          : Optional.empty();
    } catch (JwtException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
