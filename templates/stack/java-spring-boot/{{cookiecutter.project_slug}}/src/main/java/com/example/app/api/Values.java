package com.example.app.api;

import com.example.app.web.ApiException;
import com.example.app.web.FieldProblem;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conversions between the contract's JSON values and the columns' Java types, and the checks of
 * query and path parameters (422 naming the parameter).
 */
public final class Values {

  /** a string of the contract: no NUL character */
  public static final String NO_NUL = "^[^\\x00]*$";

  /** the textual form of a UUID */
  public static final String UUID_TEXT =
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

  /** the largest id: exact in JavaScript clients (2^53 - 1) */
  public static final long MAX_ID = 9007199254740991L;

  private static final Pattern UUID_PATTERN = Pattern.compile(UUID_TEXT);
  // a number in decimal or exponent notation (a short exponent: no BigDecimal overflow)
  private static final Pattern INTEGER_PARAMETER =
      Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?");
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)(?:Z|([+-])(\\d{2}):(\\d{2}))$");
  private static final DateTimeFormatter LOCAL_DATE_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private Values() {}

  /** A full-date, or null when the text is none. */
  public static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text, DATE);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * An RFC 3339 date-time (its offset required; RFC 3339 allows offsets up to 23:59, beyond
   * java.time's 18:00), or null when the text is none.
   */
  public static Instant parseInstant(String text) {
    Matcher parts = DATE_TIME.matcher(text.toUpperCase(Locale.ROOT));
    if (!parts.matches()) {
      return null;
    }
    try {
      LocalDateTime local = LocalDateTime.parse(parts.group(1), LOCAL_DATE_TIME);
      long offset = 0;
      if (parts.group(2) != null) {
        int hours = Integer.parseInt(parts.group(3));
        int minutes = Integer.parseInt(parts.group(4));
        if (hours > 23 || minutes > 59) {
          return null;
        }
        offset = (parts.group(2).equals("-") ? -1 : 1) * (hours * 3600L + minutes * 60L);
      }
      return local.toInstant(ZoneOffset.UTC).minusSeconds(offset);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  public static UUID uuid(String text) {
    return text == null ? null : UUID.fromString(text);
  }

  public static LocalDate date(String text) {
    return text == null ? null : parseDate(text);
  }

  public static Instant instant(String text) {
    return text == null ? null : parseInstant(text);
  }

  public static BigDecimal decimal(String text) {
    return text == null ? null : new BigDecimal(text);
  }

  public static Integer integer(BigDecimal value) {
    return value == null ? null : value.intValueExact();
  }

  public static Long id(BigDecimal value) {
    return value == null ? null : value.longValueExact();
  }

  /** JSON null is no value: the column is NULL. */
  public static JsonNode json(JsonNode value) {
    return value == null || value.isNull() ? null : value;
  }

  /** Text for JSON: ids, dates, date-times; null stays null. */
  public static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /** A decimal as the contract writes it: a string with the column's scale. */
  public static String decimalText(BigDecimal value, int scale) {
    return value == null ? null : value.setScale(scale, java.math.RoundingMode.UNNECESSARY).toPlainString();
  }

  // -- query and path parameters: the typed value, or 422 naming the parameter --------------------

  public static ApiException badParameter(String name, String detail) {
    return ApiException.invalid(FieldProblem.parameter(name, detail));
  }

  public static String textParameter(String name, String raw, int min, int max) {
    int length = raw.codePointCount(0, raw.length());
    if (length < min || length > max || raw.indexOf('\0') >= 0) {
      throw badParameter(name, "must be " + min + " to " + max + " characters, without NUL");
    }
    return raw;
  }

  public static String choiceParameter(String name, String raw, Set<String> values) {
    if (!values.contains(raw)) {
      throw badParameter(name, "must be one of " + String.join(", ", values));
    }
    return raw;
  }

  public static Boolean boolParameter(String name, String raw) {
    return switch (raw) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw badParameter(name, "must be true or false");
    };
  }

  public static UUID uuidParameter(String name, String raw) {
    if (!UUID_PATTERN.matcher(raw).matches()) {
      throw badParameter(name, "must be a UUID");
    }
    return UUID.fromString(raw);
  }

  /** An integer from min to max as JSON Schema counts them (5, 5.0 and 5e0 alike), or a 422. */
  public static long longParameter(String name, String raw, long min, long max) {
    if (INTEGER_PARAMETER.matcher(raw).matches()) {
      BigDecimal value = new BigDecimal(raw);
      if (value.compareTo(BigDecimal.valueOf(min)) >= 0
          && value.compareTo(BigDecimal.valueOf(max)) <= 0
          && value.stripTrailingZeros().scale() <= 0) {
        return value.longValueExact();
      }
    }
    throw badParameter(name, "must be an integer from " + min + " to " + max);
  }

  public static Integer intParameter(String name, String raw, long min, long max) {
    return (int) longParameter(name, raw, min, max);
  }

  public static Long idParameter(String name, String raw) {
    return longParameter(name, raw, 1, MAX_ID);
  }

  public static BigDecimal decimalParameter(String name, String raw, String pattern) {
    if (!Pattern.matches(pattern, raw)) {
      throw badParameter(name, "must be a decimal number within the column's range");
    }
    return new BigDecimal(raw);
  }

  public static LocalDate dateParameter(String name, String raw) {
    LocalDate value = parseDate(raw);
    if (value == null) {
      throw badParameter(name, "must be a date (YYYY-MM-DD)");
    }
    return value;
  }

  public static Instant instantParameter(String name, String raw) {
    Instant value = parseInstant(raw);
    if (value == null) {
      throw badParameter(name, "must be a date-time with an offset (RFC 3339)");
    }
    return value;
  }
}
