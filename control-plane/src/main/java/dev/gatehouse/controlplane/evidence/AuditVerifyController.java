package dev.gatehouse.controlplane.evidence;

import dev.gatehouse.audit.verify.BrokenLink;
import dev.gatehouse.audit.verify.VerificationReport;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/audit/verify}: {@code POST} starts a background run that recomputes every hash of the evidence
 * (event chains, recording chunks, signed checkpoints and their anchors outside the database) and answers 202 with
 * the run (a second POST while it runs returns the same run); {@code GET} returns the last run, its progress and,
 * once done, its report. {@code ok} is true only for a finished run in which every link holds.
 */
@RestController
final class AuditVerifyController {

    private static final String PATH = "/api/v1/audit/verify";

    private final VerificationJob job;
    private final ControlPlaneAudit trail;

    AuditVerifyController(VerificationJob job, ControlPlaneAudit trail) {
        this.job = Objects.requireNonNull(job, "job");
        this.trail = Objects.requireNonNull(trail, "trail");
    }

    /**
     * The last run. {@code state}: {@code none} (never run), {@code running}, {@code done} or {@code failed};
     * {@code report} and {@code brokenLinks} (one line each) once done; {@code firstBroken} is the first broken link.
     */
    record VerifyView(boolean ok, VerificationReport report, List<String> brokenLinks, String firstBroken,
            String state, String runId, String requestedBy, Instant startedAt, Instant finishedAt,
            VerificationJob.Progress progress, String error) {

        static VerifyView of(VerificationJob.Run run) {
            VerificationReport report = run.report();
            List<String> broken = report == null ? List.of() : report.broken().stream().map(BrokenLink::describe)
                    .toList();
            return new VerifyView(report != null && report.ok(), report, broken, broken.isEmpty() ? null
                    : broken.getFirst(), run.state(), run.id(), run.requestedBy(), run.startedAt(), run.finishedAt(),
                    run.progress(), run.error());
        }

        static final VerifyView NONE = new VerifyView(false, null, List.of(), null, "none", null, null, null, null,
                null, null);
    }

    @PostMapping(PATH)
    ResponseEntity<VerifyView> start() {
        VerificationJob.Started started = job.start(RequestOrigin.actor());
        if (started.startedNow()) {
            trail.record(new AuditRecord("audit.verify.started", RequestOrigin.actor(), "audit", null,
                    Map.of("run", started.run().id()), RequestOrigin.sourceAddress(), "success", null));
        }
        return ResponseEntity.accepted().location(URI.create(PATH)).body(VerifyView.of(started.run()));
    }

    @GetMapping(PATH)
    VerifyView last() {
        return job.last().map(VerifyView::of).orElse(VerifyView.NONE);
    }
}
