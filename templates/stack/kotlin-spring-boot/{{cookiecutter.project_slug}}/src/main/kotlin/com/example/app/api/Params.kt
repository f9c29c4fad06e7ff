package com.example.app.api

import com.example.app.web.ApiException
import com.example.app.web.FieldProblem
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.format.DateTimeParseException
import java.time.temporal.ChronoUnit
import java.util.UUID

// a number in decimal or exponent notation (a short exponent: no BigDecimal overflow)
private val INTEGER = Regex("^-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$")

/** Page size and offset bounds of the contract's list operations. */
const val MAX_LIMIT = 100
const val DEFAULT_LIMIT = 20
const val MAX_OFFSET = Int.MAX_VALUE

/** How a list is read: a page, an order (ties broken by id) and equality filters (entity attribute -> value). */
data class ListQuery(
    val limit: Int,
    val offset: Int,
    val sort: String,
    val descending: Boolean,
    val filters: Map<String, Any>,
)

/**
 * The query (or path) parameters of a request, checked as the contract declares them: a value that does not
 * fit is a 422 naming the parameter. Absent parameters are null (or their default).
 */
class Params(
    private val values: Map<String, String>,
) {
    /** limit, offset and sort ([sorts]: the contract's sort values, without `-`, to entity attributes). */
    fun listQuery(
        sorts: Map<String, String>,
        filters: Map<String, Any>,
    ): ListQuery {
        val limit = integer("limit", 1, MAX_LIMIT.toLong())?.toInt() ?: DEFAULT_LIMIT
        val offset = integer("offset", 0, MAX_OFFSET.toLong())?.toInt() ?: 0
        val sort = values["sort"] ?: "id"
        val attribute = sorts[sort.removePrefix("-")] ?: throw invalid("sort", "must be one of the listed sort values")
        return ListQuery(limit, offset, attribute, sort.startsWith("-"), filters)
    }

    fun integer(
        name: String,
        min: Long,
        max: Long,
    ): Long? = values[name]?.let { parseInteger(name, it, min, max) }

    fun text(
        name: String,
        min: Int,
        max: Int?,
    ): String? =
        values[name]?.also {
            val length = it.codePointCount(0, it.length)
            if ('\u0000' in it || length < min || (max != null && length > max)) throw invalid(name, "must be a text of the field's length")
        }

    fun boolean(name: String): Boolean? =
        values[name]?.let {
            when (it) {
                "true" -> true
                "false" -> false
                else -> throw invalid(name, "must be true or false")
            }
        }

    fun oneOf(
        name: String,
        allowed: Set<String>,
    ): String? = values[name]?.also { if (it !in allowed) throw invalid(name, "must be one of the listed values") }

    fun uuid(name: String): UUID? = values[name]?.let { parseUuid(name, it) }

    fun date(name: String): LocalDate? =
        values[name]?.let {
            try {
                parseDate(it)
            } catch (e: DateTimeParseException) {
                throw invalid(name, "must be a date (YYYY-MM-DD)")
            }
        }

    fun dateTime(name: String): Instant? =
        values[name]?.let {
            try {
                parseDateTime(it).truncatedTo(ChronoUnit.MICROS)
            } catch (e: DateTimeParseException) {
                throw invalid(name, "must be an RFC 3339 date-time")
            }
        }

    fun decimal(
        name: String,
        pattern: Regex,
    ): BigDecimal? =
        values[name]?.let {
            if (pattern.matches(it)) BigDecimal(it) else throw invalid(name, "must be a decimal number within range")
        }

    companion object {
        fun invalid(
            name: String,
            detail: String,
        ) = ApiException.invalid(FieldProblem.parameter(name, detail))

        /** An integer from [min] to [max] as JSON Schema counts them (5, 5.0 and 5e0 alike), or 422 naming [name]. */
        fun parseInteger(
            name: String,
            text: String,
            min: Long,
            max: Long,
        ): Long {
            val value = text.takeIf { INTEGER.matches(it) }?.let(::BigDecimal)?.takeIf { it.stripTrailingZeros().scale() <= 0 }
            if (value == null || value < BigDecimal.valueOf(min) || value > BigDecimal.valueOf(max)) {
                throw invalid(name, "must be an integer from $min to $max")
            }
            return value.longValueExact()
        }

        fun parseUuid(
            name: String,
            text: String,
        ): UUID {
            if (!Regex(UUID_PATTERN).matches(text)) throw invalid(name, "must be a UUID")
            return UUID.fromString(text)
        }
    }
}
