package dev.gatehouse.controlplane.api;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code gatehouse.api.max-body-bytes} with 413 before anything reads them: at once when
 * Content-Length says so, otherwise (chunked) after reading at most one byte past the limit.
 */
@Configuration(proxyBeanMethods = false)
class BodySizeLimit {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> bodySizeLimitFilter(GatehouseSettings settings) {
        FilterRegistrationBean<OncePerRequestFilter> registration =
                new FilterRegistrationBean<>(new LimitFilter(settings.api().maxBodyBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/api/*");
        return registration;
    }

    static final class LimitFilter extends OncePerRequestFilter {

        private final int limit;

        LimitFilter(int limit) {
            this.limit = limit;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long declared = request.getContentLengthLong();
            if (declared > limit) {
                tooLarge(request, response);
                return;
            }
            if (declared >= 0 || request.getHeader("Transfer-Encoding") == null) {
                chain.doFilter(request, response);
                return;
            }
            byte[] body = readAtMost(request.getInputStream(), limit + 1);
            if (body.length > limit) {
                tooLarge(request, response);
                return;
            }
            chain.doFilter(new BufferedBody(request, body), response);
        }

        private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setHeader("Connection", "close");
            ProblemResponses.write(response, HttpStatus.CONTENT_TOO_LARGE,
                    "request body exceeds " + limit + " bytes (gatehouse.api.max-body-bytes)", request.getRequestURI());
        }

        private static byte[] readAtMost(InputStream in, int max) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (out.size() < max && (n = in.read(buffer, 0, Math.min(buffer.length, max - out.size()))) > 0) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** A request whose body was already read into memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }
    }
}
