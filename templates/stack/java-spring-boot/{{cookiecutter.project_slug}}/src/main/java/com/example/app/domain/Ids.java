package com.example.app.domain;

import java.security.SecureRandom;
import java.util.UUID;

/** UUIDv7 (RFC 9562): a 48-bit millisecond timestamp, then random bits; ids sort by creation. */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static UUID uuid7() {
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
    long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }
}
