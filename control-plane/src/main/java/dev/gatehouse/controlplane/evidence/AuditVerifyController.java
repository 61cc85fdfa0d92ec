package dev.gatehouse.controlplane.evidence;

import dev.gatehouse.audit.verify.AuditVerifier;
import dev.gatehouse.audit.verify.VerificationReport;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.AuditTrail;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import java.util.Map;
import java.util.Objects;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/audit/verify}: recomputes every hash of the evidence (event chains, recording chunks, signed
 * checkpoints) and names each broken link. The answer is 200 either way; {@code ok} says whether it all checks out.
 */
@RestController
final class AuditVerifyController {

    private final AuditVerifier verifier;
    private final AuditTrail trail;

    AuditVerifyController(AuditVerifier verifier, AuditTrail trail) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.trail = Objects.requireNonNull(trail, "trail");
    }

    /** The report with a one-line description of each broken link. */
    record VerifyView(boolean ok, VerificationReport report, java.util.List<String> brokenLinks) {}

    @GetMapping("/api/v1/audit/verify")
    VerifyView verify() {
        VerificationReport report = verifier.verify();
        trail.record(new AuditRecord("audit.verified", RequestOrigin.actor(), "audit", null,
                Map.of("ok", report.ok(), "eventsChecked", report.eventsChecked(), "broken", report.broken().size()),
                RequestOrigin.sourceAddress(), "success", null));
        return new VerifyView(report.ok(), report, report.broken().stream().map(b -> b.describe()).toList());
    }
}
