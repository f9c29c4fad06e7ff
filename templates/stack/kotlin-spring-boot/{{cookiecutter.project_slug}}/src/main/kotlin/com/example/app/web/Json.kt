package com.example.app.web

import com.fasterxml.jackson.core.JsonParser
import com.fasterxml.jackson.core.JsonToken
import com.fasterxml.jackson.databind.DeserializationContext
import com.fasterxml.jackson.databind.Module
import com.fasterxml.jackson.databind.cfg.CoercionAction
import com.fasterxml.jackson.databind.cfg.CoercionInputShape
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer
import com.fasterxml.jackson.databind.module.SimpleModule
import com.fasterxml.jackson.databind.type.LogicalType
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration
import java.math.BigInteger

/**
 * Jackson as strict as the contract's JSON Schema (application.yml sets the rest: unknown members refused, no
 * scalar coercion, no NaN): a number or a boolean is never taken for a text, nor a number for a boolean, and an
 * empty text is no null. An integer is what JSON Schema calls one: `3` and `3.0` are, `3.5` and `"3"` are not.
 */
@Configuration
class Json {
    @Bean
    fun strictJson() =
        Jackson2ObjectMapperBuilderCustomizer { builder ->
            builder.postConfigurer { mapper ->
                mapper.coercionConfigFor(LogicalType.Textual).apply {
                    setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                }
                mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                mapper.setDefaultLeniency(false)
            }
        }

    @Bean
    fun integralNumbers(): Module =
        SimpleModule("integral-numbers").apply {
            val int = Integral(Int::class.javaObjectType) { it.takeIf { v -> v.bitLength() < 32 }?.toInt() }
            val long = Integral(Long::class.javaObjectType) { it.takeIf { v -> v.bitLength() < 64 }?.toLong() }
            addDeserializer(Int::class.javaObjectType, int)
            addDeserializer(Int::class.javaPrimitiveType, int)
            addDeserializer(Long::class.javaObjectType, long)
            addDeserializer(Long::class.javaPrimitiveType, long)
        }

    /** A JSON integer (or a number with no fractional part) within [type]'s range; anything else is refused. */
    private class Integral<T : Any>(
        private val type: Class<T>,
        private val convert: (BigInteger) -> T?,
    ) : StdScalarDeserializer<T>(type) {
        override fun deserialize(
            parser: JsonParser,
            context: DeserializationContext,
        ): T {
            val value =
                when (parser.currentToken) {
                    JsonToken.VALUE_NUMBER_INT -> parser.bigIntegerValue
                    JsonToken.VALUE_NUMBER_FLOAT ->
                        parser.decimalValue
                            .takeIf { it.stripTrailingZeros().scale() <= 0 && it.abs().toBigInteger().bitLength() < 64 }
                            ?.toBigIntegerExact()
                    else -> null
                }
            return value?.let(convert) ?: type.cast(context.handleUnexpectedToken(type, parser))
        }
    }
}
