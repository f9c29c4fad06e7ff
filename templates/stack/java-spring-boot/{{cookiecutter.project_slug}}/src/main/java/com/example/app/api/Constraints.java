package com.example.app.api;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;

/** The contract's checks that Bean Validation lacks: lengths in characters, RFC 3339 dates. */
public final class Constraints {

  private Constraints() {}

  /** A length in Unicode characters (code points), as JSON Schema counts them; null passes. */
  @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @Constraint(validatedBy = CharsValidator.class)
  public @interface Chars {
    int min() default 0;

    int max() default Integer.MAX_VALUE;

    String message() default "has the wrong length";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** A full-date of RFC 3339 ({@code 2024-01-31}); null passes. */
  @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @Constraint(validatedBy = DateValidator.class)
  public @interface IsoDate {
    String message() default "must be a date (YYYY-MM-DD)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** A date-time of RFC 3339 with its offset ({@code 2024-01-31T10:00:00Z}); null passes. */
  @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @Constraint(validatedBy = DateTimeValidator.class)
  public @interface IsoDateTime {
    String message() default "must be a date-time with an offset (RFC 3339)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** A JSON integer: a number without a fractional part (5 and 5.0 alike); null passes. */
  @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @Constraint(validatedBy = WholeValidator.class)
  public @interface Whole {
    String message() default "must be an integer";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** Checks {@link Whole}. */
  public static final class WholeValidator implements ConstraintValidator<Whole, BigDecimal> {
    @Override
    public boolean isValid(BigDecimal value, ConstraintValidatorContext context) {
      return value == null || value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }
  }

  /** Checks {@link Chars}. */
  public static final class CharsValidator implements ConstraintValidator<Chars, String> {
    private int min;
    private int max;

    @Override
    public void initialize(Chars chars) {
      min = chars.min();
      max = chars.max();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      int length = value.codePointCount(0, value.length());
      return length >= min && length <= max;
    }
  }

  /** Checks {@link IsoDate}. */
  public static final class DateValidator implements ConstraintValidator<IsoDate, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || Values.parseDate(value) != null;
    }
  }

  /** Checks {@link IsoDateTime}. */
  public static final class DateTimeValidator implements ConstraintValidator<IsoDateTime, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || Values.parseInstant(value) != null;
    }
  }
}
