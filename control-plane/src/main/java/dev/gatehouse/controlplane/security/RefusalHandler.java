package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.api.ProblemResponses;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.gatehouse.audit.events.RepeatedRefusals;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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
 * and audits every refusal: a 403 as its own event; 401s from one address in full once per interval, the rest
 * counted into one {@code api.refused.repeated} event (count, first and last time), so a flood cannot fill the chain.
 */
public final class RefusalHandler implements AuthenticationEntryPoint, AccessDeniedHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefusalHandler.class);
    // Addresses counted at once; beyond that the oldest's count is written early.
    private static final int MAX_SOURCES = 10_000;

    private final ControlPlaneAudit trail;
    private final RepeatedRefusals repeated;

    public RefusalHandler(ControlPlaneAudit trail, Duration interval, Clock clock) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.repeated = new RepeatedRefusals(interval, MAX_SOURCES, clock, this::recordSummary).start();
    }

    /** Records {@code refusal} when it is the first from its address in this interval; otherwise only counts it. */
    void recordCounted(AuditRecord refusal) {
        if (repeated.first(String.valueOf(refusal.sourceAddress()))) {
            record(refusal);
        }
    }

    @Override
    public void close() {
        repeated.close();
    }

    private void recordSummary(RepeatedRefusals.Summary summary) {
        record(new AuditRecord("api.refused.repeated", "anonymous", "address:" + summary.source(), null,
                Map.of("count", summary.count(), "first", summary.first().toString(), "last", summary.last().toString()),
                summary.source(), "denied", summary.count() + " more refusals from " + summary.source() + " between "
                        + summary.first() + " and " + summary.last()));
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String reason = reason(request, e);
        recordCounted(refusal(request, "api.unauthenticated", reason));
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
        record(refusal(request, "api.forbidden", reason));
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

    private static AuditRecord refusal(HttpServletRequest request, String type, String reason) {
        return new AuditRecord(type, RequestOrigin.actor(), request.getMethod() + " " + request.getRequestURI(),
                null, null, request.getRemoteAddr(), "denied", reason);
    }

    private void record(AuditRecord refusal) {
        try {
            trail.record(refusal);
        } catch (RuntimeException e) {
            // The refusal stands whether or not its record could be written; the failure is the operator's to see.
            log.error("Could not record the refusal {} of {}", refusal.type(), refusal.target(), e);
        }
    }
}
