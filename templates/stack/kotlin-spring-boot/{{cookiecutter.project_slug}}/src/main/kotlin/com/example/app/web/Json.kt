package com.example.app.web

import com.fasterxml.jackson.databind.cfg.CoercionAction
import com.fasterxml.jackson.databind.cfg.CoercionInputShape
import com.fasterxml.jackson.databind.type.LogicalType
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration

/**
 * Jackson as strict as the contract's JSON Schema (application.yml sets the rest: unknown members refused, no
 * scalar coercion, no float as an int, no NaN): a number or a boolean is never taken for a text, nor a number
 * for a boolean, and an empty text is no null.
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
}
