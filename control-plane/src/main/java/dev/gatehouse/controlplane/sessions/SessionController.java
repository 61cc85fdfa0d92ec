package dev.gatehouse.controlplane.sessions;

import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.export.SessionExport;
import dev.gatehouse.audit.search.CommandHit;
import dev.gatehouse.audit.search.SessionQuery;
import dev.gatehouse.audit.search.SessionSearch;
import dev.gatehouse.audit.search.SessionSummary;
import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.TimeParameter;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import dev.gatehouse.controlplane.bastion.BastionService;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/sessions}: what the bastion recorded. Search by person, host, login, time, status and text over
 * commands and output; one session with its commands; its asciicast recording (each view is an audit event); its
 * events; and terminate, which ends a live session within a second with a message to the user (on a bastion node: once
 * the node has the order, within a second or so; 202 when it has not answered within a few seconds).
 */
@RestController
@RequestMapping("/api/v1/sessions")
final class SessionController {

    static final String SESSION_ID = "[A-Za-z0-9._:-]{1,128}";

    private final SessionSearch search;
    private final PostgresAuditStore events;
    private final SessionExport recordings;
    private final ControlPlaneAudit trail;
    private final ObjectProvider<BastionService> bastion;
    private final ObjectProvider<RemoteSessions> remote;

    SessionController(SessionSearch search, PostgresAuditStore events, SessionExport recordings, ControlPlaneAudit trail,
            ObjectProvider<BastionService> bastion, ObjectProvider<RemoteSessions> remote) {
        this.search = Objects.requireNonNull(search, "search");
        this.events = Objects.requireNonNull(events, "events");
        this.recordings = Objects.requireNonNull(recordings, "recordings");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.bastion = Objects.requireNonNull(bastion, "bastion");
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    record SessionPage(List<SessionSummary> sessions, String nextCursor) {}

    record SessionDetail(SessionSummary session, List<CommandHit> commands) {}

    record TerminateRequest(
            @Size(max = 500, message = "must be at most 500 characters")
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String reason) {}

    @GetMapping
    SessionPage list(@RequestParam(required = false) String user, @RequestParam(required = false) String host,
            @RequestParam(required = false) String login, @RequestParam(required = false) String q,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String status, @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > SessionQuery.MAX_LIMIT) {
            throw ApiException.invalid("limit", "must be 1 to " + SessionQuery.MAX_LIMIT);
        }
        if (status != null && !status.matches("running|ended|interrupted")) {
            throw ApiException.invalid("status", "must be running, ended or interrupted");
        }
        if (q != null && q.length() > 500) {
            throw ApiException.invalid("q", "must be at most 500 characters");
        }
        if (cursor != null && !cursor.matches("[0-9TZ:.+-]{10,40}\\|" + SESSION_ID)) {
            throw ApiException.invalid("cursor", "must be the nextCursor of a previous page");
        }
        Instant fromTime = TimeParameter.parse("from", from);
        Instant toTime = TimeParameter.parse("to", to);
        if (fromTime != null && toTime != null && toTime.isBefore(fromTime)) {
            throw ApiException.invalid("to", "is before 'from'");
        }
        List<SessionSummary> page = search.search(
                new SessionQuery(user, host, login, fromTime, toTime, status, q, limit, cursor));
        return new SessionPage(page.stream().map(this::withDetachment).toList(),
                page.size() == limit ? page.getLast().cursor() : null);
    }

    @GetMapping("/{id}")
    SessionDetail get(@PathVariable String id) {
        SessionSummary session = find(id);
        return new SessionDetail(withDetachment(session), search.commands(session.sessionId()));
    }

    /** A running session whose engineer's connection is lost and that this gateway keeps for re-attach: "detached". */
    private SessionSummary withDetachment(SessionSummary session) {
        if (!"running".equals(session.status())) {
            return session;
        }
        String gatewaySession = session.sessionId().replaceFirst("\\.\\d+$", "");
        boolean here = Optional.ofNullable(bastion.getIfAvailable()).filter(b -> b.isDetached(gatewaySession))
                .isPresent();
        boolean onNode = session.node() != null && Optional.ofNullable(remote.getIfAvailable())
                .filter(r -> r.isDetached(session.node(), gatewaySession)).isPresent();
        boolean detached = here || onNode;
        return detached ? session.detached() : session;
    }

    @GetMapping("/{id}/events")
    List<StoredEventView> events(@PathVariable String id) {
        SessionSummary session = find(id);
        return events.search(AuditEventQuery.builder().sessionId(session.sessionId()).limit(AuditEventQuery.MAX_LIMIT)
                .build()).stream().map(StoredEventView::of).toList();
    }

    /**
     * The session's terminal recording as asciicast v2 (newline-delimited JSON), any asciinema player plays it. It is
     * streamed chunk by chunk (chunked transfer, one chunk in memory), and each view is logged once by the audit
     * module as {@code recording.viewed} before the first byte.
     */
    @GetMapping(value = "/{id}/recording", produces = "application/x-asciicast")
    void recording(@PathVariable String id, HttpServletResponse response) throws IOException {
        SessionSummary session = find(id);
        SessionExport.Playback playback;
        try {
            playback = recordings.view(session.sessionId(), RequestOrigin.actor(), RequestOrigin.sourceAddress());
        } catch (NoSuchElementException e) {
            throw ApiException.notFound("session '" + id + "' has no terminal recording");
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/x-asciicast");
        playback.writeTo(response.getOutputStream());
    }

    /**
     * The session exported in one format ({@code asciicast}, {@code transcript}, {@code events}, or for a channel
     * without a terminal {@code stdin}, {@code stdout}, {@code stderr}: that stream's exact bytes). The signed manifest
     * (Ed25519 over the content's SHA-256 and the chain head it came from) is in the {@code Gatehouse-Manifest} header,
     * base64; each export is logged as {@code recording.exported}.
     */
    @GetMapping("/{id}/export")
    void export(@PathVariable String id, @RequestParam String format, HttpServletResponse response)
            throws IOException {
        SessionSummary session = find(id);
        SessionExport.Format wanted;
        try {
            wanted = SessionExport.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("format", "must be one of asciicast, transcript, events, stdin, stdout, stderr");
        }
        SessionExport.Exported exported;
        try {
            exported = recordings.export(session.sessionId(), wanted, RequestOrigin.actor(),
                    RequestOrigin.sourceAddress());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("format", e.getMessage());
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(exported.contentType());
        response.setHeader("Content-Disposition", "attachment; filename=\"" + exported.fileName() + "\"");
        response.setHeader("Gatehouse-Manifest", Base64.getEncoder().encodeToString(
                exported.manifest().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        response.setContentLength(exported.content().length);
        response.getOutputStream().write(exported.content());
    }

    @PostMapping("/{id}/terminate")
    ResponseEntity<Map<String, Object>> terminate(@PathVariable String id, @Valid @RequestBody(required = false) TerminateRequest request) {
        SessionSummary session = find(id);
        String reason = request == null || request.reason() == null || request.reason().isBlank()
                ? "terminated by an administrator" : request.reason();
        // A recording's id is its gateway session's id, with ".N" for later channels of that session.
        String gatewaySession = session.sessionId().replaceFirst("\\.\\d+$", "");
        boolean ended = Optional.ofNullable(bastion.getIfAvailable())
                .map(b -> b.terminate(gatewaySession, reason)).orElse(false);
        RemoteSessions nodes = remote.getIfAvailable();
        if (!ended && nodes != null && session.node() != null && "running".equals(session.status())) {
            // Held by a bastion node: it ends the session on its next poll, and its answer is audited.
            RemoteSessions.Outcome outcome = nodes.terminate(session.node(), session.sessionId(), reason,
                    RequestOrigin.actor(), RequestOrigin.sourceAddress());
            if (outcome == RemoteSessions.Outcome.ENDED) {
                return ResponseEntity.ok(Map.of("sessionId", session.sessionId(), "terminated", true, "reason",
                        reason, "node", session.node()));
            }
            if (outcome == RemoteSessions.Outcome.QUEUED) {
                return ResponseEntity.accepted().body(Map.of("sessionId", session.sessionId(), "terminated", false,
                        "reason", reason, "node", session.node()));
            }
        }
        if (!ended) {
            throw ApiException.conflict("session '" + id + "' is not live on this gateway (status " + session.status() + ")");
        }
        trail.record(new AuditRecord("session.terminated", RequestOrigin.actor(), "session:" + session.sessionId(),
                null, Map.of("reason", reason), RequestOrigin.sourceAddress(), "success", null));
        return ResponseEntity.ok(Map.of("sessionId", session.sessionId(), "terminated", true, "reason", reason));
    }

    private SessionSummary find(String id) {
        if (!id.matches(SESSION_ID)) {
            throw ApiException.invalid("id", "is not a session id");
        }
        return search.session(id).orElseThrow(() -> ApiException.notFound("no session '" + id + "'"));
    }

    /** One event of a session as the API shows it. */
    record StoredEventView(long id, String type, Instant time, String actor, String target, String outcome,
            Map<String, Object> details) {

        static StoredEventView of(StoredAuditEvent stored) {
            var e = stored.event();
            return new StoredEventView(stored.id(), e.type(), e.time(), e.actor(), e.target(), e.outcome(), e.details());
        }
    }
}
