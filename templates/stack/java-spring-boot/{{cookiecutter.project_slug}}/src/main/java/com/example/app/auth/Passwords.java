package com.example.app.auth;

import com.example.app.config.Settings;
import com.example.app.web.ApiException;
import com.example.app.web.FieldProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The password policy (OWASP ASVS 2.1): 12 to 128 characters as typed and after NFKC normalisation, not blank,
 * no NUL, not one of 10,000 common passwords (even with digits or symbols appended); and argon2id
 * hashing, PASSWORD_HASH_CONCURRENCY at a time (16 MiB each): the others wait, 503 after 10 s.
 */
@Component
public class Passwords {

  public static final int MIN_LENGTH = 12;
  public static final int MAX_LENGTH = 128;
  /** what attack rules append to a common password first: digits, punctuation, spaces */
  private static final Pattern APPENDED = Pattern.compile("^[\\W\\d_]*$", Pattern.UNICODE_CHARACTER_CLASS);

  private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
  private final Semaphore permits;
  private final Set<String> common = load();
  /** verified when the account does not exist: a login takes as long either way */
  private final String decoy;

  public Passwords(Settings settings) {
    this.permits = new Semaphore(settings.passwordHashConcurrency(), true);
    this.decoy = encoder.encode("decoy password that matches nothing");
  }

  public static String normalise(String password) {
    return Normalizer.normalize(password, Normalizer.Form.NFKC);
  }

  /** The normalised password, or 422 saying what is wrong with it at {@code pointer}. */
  public String acceptable(String password, String pointer) {
    String normalised = normalise(password);
    // as typed too: NFKC lengthens some text ("\uFB03" is "ffi"), and the contract's bounds are on what is sent
    String problem = problem(password);
    if (problem == null) {
      problem = problem(normalised);
    }
    if (problem != null) {
      throw ApiException.invalid(FieldProblem.member(pointer, problem));
    }
    return normalised;
  }

  /** Why the password (as typed, or normalised) is refused, or null. Never echoes it. */
  String problem(String password) {
    if (password.indexOf('\0') >= 0) {
      return "must not contain NUL characters";
    }
    if (password.isBlank()) {
      return "must not be only whitespace";
    }
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return "must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long";
    }
    String folded = password.toLowerCase(Locale.ROOT);
    for (int end = folded.length(); end > 0; end--) {
      if (common.contains(folded.substring(0, end))
          && APPENDED.matcher(folded.substring(end)).matches()) {
        return "is too common: choose a longer passphrase of unrelated words";
      }
    }
    return null;
  }

  public String hash(String normalised) {
    return bounded(() -> encoder.encode(normalised));
  }

  /** Whether the password matches the hash (null: no account; the decoy is checked instead). */
  public boolean verify(String hash, String password) {
    String normalised = normalise(password);
    boolean matches = bounded(() -> encoder.matches(normalised, hash == null ? decoy : hash));
    return hash != null && matches;
  }

  private <T> T bounded(Supplier<T> work) {
    try {
      if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
        throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "busy: retry later");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "busy: retry later");
    }
    try {
      return work.get();
    } finally {
      permits.release();
    }
  }

  private static Set<String> load() {
    Set<String> words = new HashSet<>();
    try (InputStream in = Passwords.class.getResourceAsStream("/common-passwords.txt");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      reader.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(words::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return words;
  }
}
