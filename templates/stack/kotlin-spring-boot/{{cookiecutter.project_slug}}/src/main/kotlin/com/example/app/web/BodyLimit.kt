package com.example.app.web

import com.example.app.config.Settings
import jakarta.servlet.FilterChain
import jakarta.servlet.ReadListener
import jakarta.servlet.ServletInputStream
import jakarta.servlet.http.HttpServletRequest
import jakarta.servlet.http.HttpServletRequestWrapper
import jakarta.servlet.http.HttpServletResponse
import org.springframework.http.HttpStatus
import org.springframework.web.filter.OncePerRequestFilter

/** Raised while a body is read, once it passes the limit (a chunked body has no Content-Length to check first). */
class BodyTooLarge : RuntimeException("request body too large") {
    companion object {
        fun problem() = ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "the request body is larger than the limit")
    }
}

/**
 * 413 for a body over MAX_REQUEST_BODY_BYTES: at once when Content-Length says so, else as soon as that many
 * bytes have been read (before any parsing completes).
 */
class BodyLimit(
    private val settings: Settings,
    private val problems: ProblemWriter,
) : OncePerRequestFilter() {
    override fun doFilterInternal(
        request: HttpServletRequest,
        response: HttpServletResponse,
        chain: FilterChain,
    ) {
        val limit = settings.maxRequestBodyBytes
        if (request.contentLengthLong > limit) {
            problems.write(response, BodyTooLarge.problem())
            return
        }
        chain.doFilter(Limited(request, limit), response)
    }

    private class Limited(
        request: HttpServletRequest,
        private val limit: Long,
    ) : HttpServletRequestWrapper(request) {
        private val stream by lazy { Counting(request.inputStream, limit) }

        override fun getInputStream(): ServletInputStream = stream
    }

    private class Counting(
        private val inner: ServletInputStream,
        private val limit: Long,
    ) : ServletInputStream() {
        private var count = 0L

        override fun read(): Int = inner.read().also { if (it >= 0) counted(1) }

        override fun read(
            b: ByteArray,
            off: Int,
            len: Int,
        ): Int = inner.read(b, off, len).also { if (it > 0) counted(it) }

        private fun counted(n: Int) {
            count += n
            if (count > limit) throw BodyTooLarge()
        }

        override fun isFinished() = inner.isFinished

        override fun isReady() = inner.isReady

        override fun setReadListener(listener: ReadListener) = inner.setReadListener(listener)
    }
}
