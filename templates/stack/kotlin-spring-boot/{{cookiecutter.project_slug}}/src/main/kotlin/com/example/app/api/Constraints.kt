package com.example.app.api

import jakarta.validation.Constraint
import jakarta.validation.ConstraintValidator
import jakarta.validation.ConstraintValidatorContext
import jakarta.validation.Payload
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException
import kotlin.reflect.KClass

/** No NUL character (the contract's `pattern` of every text). */
const val NO_NUL = """^[^\x00]*$"""

/** The contract's `format: uuid`: 8-4-4-4-12 hexadecimal digits. */
const val UUID_PATTERN = """^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"""

/** The contract's email: something@domain.tld without spaces or control characters. */
const val EMAIL_PATTERN = """^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"""

/** A password that is not only whitespace (and has no NUL). */
const val NOT_BLANK_PASSWORD = """^[^\x00]*[^\x00\x09-\x0d\x20][^\x00]*$"""

/** The largest id JSON clients keep exact (2^53 - 1). */
const val MAX_ID = 9007199254740991L

/** The longest password (after NFKC) the policy accepts. */
const val MAX_PASSWORD = 128

/**
 * A text of [min] to [max] characters, counted as JSON Schema counts them (Unicode code points, where
 * Bean Validation's @Size counts UTF-16 units).
 */
@Target(AnnotationTarget.FIELD)
@Retention(AnnotationRetention.RUNTIME)
@Constraint(validatedBy = [TextLengthValidator::class])
annotation class TextLength(
    val min: Int = 0,
    val max: Int = Int.MAX_VALUE,
    val message: String = "must be {min} to {max} characters long",
    val groups: Array<KClass<*>> = [],
    val payload: Array<KClass<out Payload>> = [],
)

class TextLengthValidator : ConstraintValidator<TextLength, String> {
    private var range = 0..Int.MAX_VALUE

    override fun initialize(annotation: TextLength) {
        range = annotation.min..annotation.max
    }

    override fun isValid(
        value: String?,
        context: ConstraintValidatorContext,
    ) = value == null || value.codePointCount(0, value.length) in range
}

/** One of the enum's [values]. */
@Target(AnnotationTarget.FIELD)
@Retention(AnnotationRetention.RUNTIME)
@Constraint(validatedBy = [OneOfValidator::class])
annotation class OneOf(
    val values: Array<String>,
    val message: String = "must be one of the listed values",
    val groups: Array<KClass<*>> = [],
    val payload: Array<KClass<out Payload>> = [],
)

class OneOfValidator : ConstraintValidator<OneOf, String> {
    private var values = emptySet<String>()

    override fun initialize(annotation: OneOf) {
        values = annotation.values.toSet()
    }

    override fun isValid(
        value: String?,
        context: ConstraintValidatorContext,
    ) = value == null || value in values
}

/** What an RFC 3339 text holds: a full date, or a date-time with its offset. */
enum class Temporal { DATE, DATE_TIME }

/** An RFC 3339 date (`2024-01-31`) or date-time (`2024-01-31T12:00:00Z`, any offset), a real one. */
@Target(AnnotationTarget.FIELD)
@Retention(AnnotationRetention.RUNTIME)
@Constraint(validatedBy = [Rfc3339Validator::class])
annotation class Rfc3339(
    val value: Temporal,
    val message: String = "must be an RFC 3339 date or date-time",
    val groups: Array<KClass<*>> = [],
    val payload: Array<KClass<out Payload>> = [],
)

class Rfc3339Validator : ConstraintValidator<Rfc3339, String> {
    private var kind = Temporal.DATE

    override fun initialize(annotation: Rfc3339) {
        kind = annotation.value
    }

    override fun isValid(
        value: String?,
        context: ConstraintValidatorContext,
    ) = value == null || parses(value, kind)

    companion object {
        fun parses(
            value: String,
            kind: Temporal,
        ): Boolean =
            try {
                if (kind == Temporal.DATE) parseDate(value) else parseDateTime(value)
                true
            } catch (e: DateTimeParseException) {
                false
            }
    }
}

fun parseDate(value: String): LocalDate = LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE)

/** RFC 3339's date-time: a date, `T`, a time (fractions of a second allowed) and `Z` or an offset up to 23:59. */
private val DATE_TIME = Regex("""^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?:[Zz]|([+-])(\d{2}):(\d{2}))$""")

/**
 * The instant an RFC 3339 date-time names. java.time's offsets stop at 18 hours where RFC 3339's go to 23:59,
 * so the offset is applied here; a date or time that does not exist (February 30, 25:00) is refused.
 */
fun parseDateTime(value: String): Instant {
    val match = DATE_TIME.matchEntire(value) ?: throw DateTimeParseException("not an RFC 3339 date-time", value, 0)
    val (local, sign, hours, minutes) = match.destructured
    val offsetHours = hours.ifEmpty { "0" }.toInt()
    val offsetMinutes = minutes.ifEmpty { "0" }.toInt()
    if (offsetHours > 23 || offsetMinutes > 59) throw DateTimeParseException("offset out of range", value, 0)
    val offset = (if (sign == "-") -1 else 1) * (offsetHours * 3600L + offsetMinutes * 60L)
    return LocalDateTime.parse(local.uppercase(), DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC).minusSeconds(offset)
}
