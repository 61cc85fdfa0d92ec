package dev.gatehouse.audit.retention;

import static dev.gatehouse.audit.recording.RecordingFixture.show;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.RecordingFixture;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionKind;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.audit.verify.AuditVerifier;
import dev.gatehouse.audit.verify.VerificationReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingRetentionIT {

    @TempDir
    Path dir;

    @Test
    void oldRecordingsAreDeletedLeavingASignedTombstoneAndTheChainStillVerifies() throws Exception {
        try (RecordingFixture f = RecordingFixture.start(dir, RecorderSettings.defaults("ret")
                .withChunking(64, Duration.ofSeconds(5)))) {
            Instant longAgo = Instant.now().minus(Duration.ofDays(120));
            SessionRecording old = f.recorder().open(new SessionStart("old-1", "alice", "root", "web-01", "direct",
                    null, SessionKind.SHELL, "xterm", 80, 24, longAgo, null));
            show(old, "an old session's output\r\n");
            old.end(new SessionEnd(0, null, "exit", longAgo.plusSeconds(60)));
            SessionRecording recent = f.recorder().open(SessionStart.shell("new-1", "bob", "root", "web-01", 80, 24));
            show(recent, "recent output\r\n");
            recent.end(SessionEnd.exited(0));
            f.awaitStored();

            int deleted = new RecordingRetention(f.events(), f.blobs(), f.key()).apply(Duration.ofDays(90), "policy");

            assertThat(deleted).isEqualTo(1);
            assertThat(f.blobs().list("sessions/old-1/")).isEmpty();
            assertThat(f.blobs().list("sessions/new-1/")).isNotEmpty();
            assertThat(f.events().search(AuditEventQuery.builder().sessionId("old-1").type("recording.deleted")
                    .build())).singleElement().satisfies(t -> assertThat(t.event().actor()).isEqualTo("policy"));
            new ChainCheckpointer(f.dataSource(), f.key(), f.blobs()).checkpoint();
            VerificationReport report = new AuditVerifier(f.events(), f.blobs(), f.key()).verify();
            assertThat(report.broken()).isEmpty();
            assertThat(report.chunksDeletedByRetention()).isPositive();
            // Running it again finds nothing more to do.
            assertThat(new RecordingRetention(f.events(), f.blobs(), f.key()).apply(Duration.ofDays(90), "policy"))
                    .isZero();

            // A chunk deleted without a tombstone is still reported as missing.
            f.blobs().delete(f.blobs().list("sessions/new-1/").getFirst());
            assertThat(new AuditVerifier(f.events(), f.blobs(), f.key()).verify().broken())
                    .singleElement().satisfies(b -> assertThat(b.describe()).contains("new-1").contains("missing"));
        }
    }

    @Test
    void aForgedTombstoneDoesNotExcuseMissingChunks() throws Exception {
        try (RecordingFixture f = RecordingFixture.start(dir, RecorderSettings.defaults("ret2"))) {
            SessionRecording r = f.recorder().open(SessionStart.shell("s-1", "alice", "root", "web-01", 80, 24));
            show(r, "evidence\r\n");
            r.end(SessionEnd.exited(0));
            f.awaitStored();
            try (Connection c = f.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE audit_sessions SET ended_at = now() - interval '400 days'");
            }
            // Signed with a different key: the verifier must not accept it.
            new RecordingRetention(f.events(), f.blobs(), dev.gatehouse.audit.chain.AuditKey.generate())
                    .apply(Duration.ofDays(90), "mallory");
            assertThat(new AuditVerifier(f.events(), f.blobs(), f.key()).verify().broken())
                    .extracting(b -> b.describe())
                    .anyMatch(d -> d.contains("tombstone signature is invalid"))
                    .anyMatch(d -> d.contains("s-1 chunk 0") && d.contains("missing"));
        }
    }
}
