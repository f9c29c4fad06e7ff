{%- set m = cookiecutter | relational -%}
{%- set uuid_ids = m.id_kind == "uuid" -%}
{%- set hex = cookiecutter.database != "postgresql" -%}
package com.example.app.domain
{% if hex and "json" in m.types %}
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
{%- endif %}
{%- if hex %}
import jakarta.persistence.AttributeConverter
import jakarta.persistence.Converter
{%- endif %}
{%- if uuid_ids %}
import java.security.SecureRandom
{%- endif %}
{%- if uuid_ids or hex %}
import java.util.UUID
{%- endif %}
{%- if uuid_ids %}

private val random = SecureRandom()

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; ids sort by creation time. */
fun uuidV7(): UUID {
    val bytes = ByteArray(16).also { random.nextBytes(it) }
    val millis = System.currentTimeMillis()
    for (i in 0 until 6) bytes[i] = (millis shr (40 - 8 * i)).toByte()
    bytes[6] = ((bytes[6].toInt() and 0x0f) or 0x70).toByte()
    bytes[8] = ((bytes[8].toInt() and 0x3f) or 0x80).toByte()
    val high = bytes.copyOfRange(0, 8).fold(0L) { acc, b -> (acc shl 8) or (b.toLong() and 0xff) }
    val low = bytes.copyOfRange(8, 16).fold(0L) { acc, b -> (acc shl 8) or (b.toLong() and 0xff) }
    return UUID(high, low)
}
{%- endif %}
{%- if hex %}

/** A UUID as the 32 hexadecimal digits of a CHAR(32) column (db/schema.sql), and back. */
@Converter
class UuidHex : AttributeConverter<UUID, String> {
    override fun convertToDatabaseColumn(value: UUID?): String? = value?.toString()?.replace("-", "")

    override fun convertToEntityAttribute(value: String?): UUID? =
        value?.let { UUID(it.substring(0, 16).toULong(16).toLong(), it.substring(16).toULong(16).toLong()) }
}
{%- endif %}
{%- if hex and "json" in m.types %}

private val jsonText = ObjectMapper()

/** A JSON value as its JSON text (a JSON column of MySQL, a text one of MariaDB), and back. */
@Converter
class JsonText : AttributeConverter<JsonNode, String> {
    override fun convertToDatabaseColumn(value: JsonNode?): String? = value?.let(jsonText::writeValueAsString)

    override fun convertToEntityAttribute(value: String?): JsonNode? = value?.let(jsonText::readTree)
}
{%- endif %}
