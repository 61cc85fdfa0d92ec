package dev.gatehouse.controlplane.evidence;

import dev.gatehouse.audit.verify.BrokenLink;
import dev.gatehouse.audit.verify.VerificationReport;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * {@code ./gatehouse audit verify}: the same recomputation as the API, from the command line, against the node's
 * database and blob store (the running gateway's embedded PostgreSQL is joined, not started twice), synchronously
 * on the calling thread. Exit status 0
 * when every link holds, 1 when any is broken, 2 for a usage error.
 */
public final class AuditVerifyCommand {

    private final VerificationJob job;

    public AuditVerifyCommand(VerificationJob job) {
        this.job = Objects.requireNonNull(job, "job");
    }

    /** Runs {@code args} (the words after the jar's options) and returns the process exit status. */
    public int run(List<String> args, PrintStream out) {
        if (!args.equals(List.of("audit", "verify"))) {
            out.println("usage: gatehouse audit verify");
            return 2;
        }
        VerificationReport report = job.verifyNow();
        out.printf("audit verify: %d events, %d sessions, %d recording chunks, %d signed checkpoints checked%n",
                report.eventsChecked(), report.sessionsChecked(), report.chunksChecked(), report.checkpointsChecked());
        if (report.unsignedTail() > 0) {
            out.printf("  %d events after the last signed checkpoint (hash-linked, signed at the next checkpoint)%n",
                    report.unsignedTail());
        }
        for (BrokenLink link : report.broken()) {
            out.println("  BROKEN " + link.describe());
        }
        out.println(report.ok() ? "audit verify: OK, every link holds" : "audit verify: FAILED, "
                + report.broken().size() + " broken link(s)");
        return report.ok() ? 0 : 1;
    }
}
