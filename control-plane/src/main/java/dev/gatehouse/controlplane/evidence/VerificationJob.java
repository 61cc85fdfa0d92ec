package dev.gatehouse.controlplane.evidence;

import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.verify.AuditVerifier;
import dev.gatehouse.audit.verify.VerificationReport;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the audit verifier in the background, one run at a time, and keeps the last run: its state, progress and
 * report (in memory only; a run is evidence of nothing until its report is read). Starting while a run is under way
 * returns that run. Before reading, the chain head is checkpointed, so a run covers everything stored when it began.
 */
public final class VerificationJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VerificationJob.class);

    /** A run as seen at one moment; {@code report} and {@code finishedAt} are null while it runs. */
    public record Run(String id, String state, String requestedBy, Instant startedAt, Instant finishedAt,
            Progress progress, VerificationReport report, String error) {

        public boolean running() {
            return "running".equals(state);
        }
    }

    /** How far a run has got: {@code phase} {@code events} or {@code chunks}, {@code done} of {@code total}. */
    public record Progress(String phase, long done, long total) {}

    /** The run {@link #start} returned, and whether this call started it. */
    public record Started(Run run, boolean startedNow) {}

    private final AuditVerifier verifier;
    private final ChainCheckpointer checkpointer;
    private final ControlPlaneAudit trail;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("audit-verify").daemon(true).unstarted(r));
    private volatile Run last;

    public VerificationJob(AuditVerifier verifier, ChainCheckpointer checkpointer, ControlPlaneAudit trail, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.checkpointer = Objects.requireNonNull(checkpointer, "checkpointer");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts a run for {@code actor}, or returns the one under way. */
    public synchronized Started start(String actor) {
        Run current = last;
        if (current != null && current.running()) {
            return new Started(current, false);
        }
        Run run = new Run(UUID.randomUUID().toString(), "running", actor, clock.instant(), null,
                new Progress("starting", 0, 0), null, null);
        last = run;
        worker.execute(() -> execute(run));
        return new Started(run, true);
    }

    /** The last run started, if any. */
    public Optional<Run> last() {
        return Optional.ofNullable(last);
    }

    /** Runs the verifier on the calling thread (the command line) after anchoring the current head. */
    public VerificationReport verifyNow() {
        anchorHead();
        return verifier.verify();
    }

    private void execute(Run run) {
        try {
            anchorHead();
            VerificationReport report = verifier.verify((phase, done, total) -> last = new Run(run.id(), "running",
                    run.requestedBy(), run.startedAt(), null, new Progress(phase, done, total), null, null));
            // On record before the report is shown: whoever reads "done" finds the run's event too.
            try {
                trail.record(new AuditRecord("audit.verified", run.requestedBy(), "audit", null,
                        Map.of("run", run.id(), "ok", report.ok(), "eventsChecked", report.eventsChecked(),
                                "broken", report.broken().size()), null, "success", null));
            } catch (RuntimeException e) {
                LOG.error("audit verify run {} finished but could not be recorded: {}", run.id(), e.getMessage());
            }
            Progress end = new Progress("done", report.eventsChecked(), report.eventsChecked());
            last = new Run(run.id(), "done", run.requestedBy(), run.startedAt(), clock.instant(), end, report, null);
        } catch (RuntimeException | Error e) {
            LOG.error("audit verify run {} failed: {}", run.id(), e.toString());
            last = new Run(run.id(), "failed", run.requestedBy(), run.startedAt(), clock.instant(),
                    last.progress(), null, "verification could not finish: " + e.getMessage());
        }
    }

    /** A checkpoint that cannot be anchored (blob store away, or an anchor that disagrees) is for verify to judge. */
    private void anchorHead() {
        try {
            checkpointer.checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("checkpoint before verify failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
