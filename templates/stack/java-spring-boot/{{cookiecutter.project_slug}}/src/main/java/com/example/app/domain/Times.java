package com.example.app.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps as the columns keep them (microseconds): what a write returns is what a read gives. */
public final class Times {

  private Times() {}

  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
