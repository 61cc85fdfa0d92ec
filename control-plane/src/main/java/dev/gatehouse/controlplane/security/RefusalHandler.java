package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.api.ProblemResponses;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.AuditTrail;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/**
 * Answers 401 (no, unknown, expired or revoked credentials) and 403 (known caller, not allowed) as problem+json,
 * and records every refusal as an audit event.
 */
public final class RefusalHandler implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger log = LoggerFactory.getLogger(RefusalHandler.class);

    private final AuditTrail trail;

    public RefusalHandler(AuditTrail trail) {
        this.trail = Objects.requireNonNull(trail, "trail");
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String reason = reason(request, e);
        record(request, "api.unauthenticated", reason);
        response.setHeader("WWW-Authenticate", "Bearer");
        ProblemResponses.write(response, HttpStatus.UNAUTHORIZED, reason, request.getRequestURI());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String reason = e instanceof CsrfException
                ? "missing or invalid CSRF token: send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header"
                : RequestOrigin.actor() + " may not " + request.getMethod() + " " + request.getRequestURI()
                        + " (read-only scope or no scope granted)";
        record(request, "api.forbidden", reason);
        ProblemResponses.write(response, HttpStatus.FORBIDDEN, reason, request.getRequestURI());
    }

    private static String reason(HttpServletRequest request, AuthenticationException e) {
        if (e instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null) {
            String description = oauth.getError().getDescription();
            // Spring's JWT messages may quote the token's content; keep ours, summarise theirs.
            return description.startsWith("the API token") || description.equals("unknown API token")
                    ? description : "invalid bearer token: " + firstLine(description);
        }
        String header = request.getHeader("Authorization");
        return header == null ? "authentication required: send Authorization: Bearer <token>"
                : "authentication failed: " + e.getMessage();
    }

    private static String firstLine(String text) {
        int cut = text.indexOf('\n');
        String line = cut < 0 ? text : text.substring(0, cut);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private void record(HttpServletRequest request, String type, String reason) {
        try {
            trail.record(new AuditRecord(type, RequestOrigin.actor(), request.getMethod() + " " + request.getRequestURI(),
                    null, null, request.getRemoteAddr(), "denied", reason));
        } catch (RuntimeException e) {
            // The refusal stands whether or not its record could be written; the failure is the operator's to see.
            log.error("Could not record the refusal of {} {}", request.getMethod(), request.getRequestURI(), e);
        }
    }
}
