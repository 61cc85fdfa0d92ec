package dev.gatehouse.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.audit.spool.EvidenceSpool;
import dev.gatehouse.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an attacker with disk and database superuser access would do, and what verify says about it. */
class TamperDetectionIT {

    @TempDir
    Path dir;

    @Test
    void flippedChunkByteAndAlteredEventColumnAreReportedExactlyAndNothingElse() throws Exception {
        DataSource db = TestDatabase.create().dataSource();
        AuditSchema.migrate(db);
        PostgresAuditStore store = new PostgresAuditStore(db);
        FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        AuditKey key = AuditKey.generate();
        EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"), new PostgresEvidenceStore(store, blobs), 1 << 20);
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(
                RecorderSettings.defaults("n1").withChunking(200, Duration.ofSeconds(5)), key, spool)) {
            store.record(AuditEvent.builder("user.created").actor("admin").target("alice").build());
            SessionRecording r = recorder.open(SessionStart.shell("t-1", "alice", "root", "web-01", 80, 24));
            for (int i = 0; i < 30; i++) {
                byte[] b = ("output line " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
                r.output(b, 0, b.length);
                Thread.sleep(12);
            }
            r.end(SessionEnd.exited(0));
            assertThat(recorder.awaitStored(Duration.ofSeconds(60))).isTrue();
            store.record(AuditEvent.builder("role.updated").actor("admin").target("dev").build());
        }
        ChainCheckpointer checkpointer = new ChainCheckpointer(db, key);
        assertThat(checkpointer.checkpoint()).isPositive();

        AuditVerifier verifier = new AuditVerifier(store, blobs, AuditKey.verifierOnly(key.publicKey()));
        VerificationReport clean = verifier.verify();
        assertThat(clean.broken()).isEmpty();
        assertThat(clean.chunksChecked()).isGreaterThan(2);
        assertThat(clean.unsignedTail()).isZero();

        // 1. one byte of a sealed chunk
        Path chunk = dir.resolve("blobs/sessions/t-1/00000001.cast");
        byte[] content = Files.readAllBytes(chunk);
        content[content.length / 2] ^= 0x01;
        Files.write(chunk, content);
        // 2. one column of one event row, as the database superuser who switches the trigger off
        long victim = store.search(AuditEventQuery.builder().type("user.created").build()).getFirst().id();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
            s.execute("UPDATE audit_events SET target = 'mallory' WHERE id = " + victim);
            s.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
        }

        VerificationReport tampered = verifier.verify();
        assertThat(tampered.broken()).hasSize(2);
        assertThat(tampered.broken()).anySatisfy(b -> {
            assertThat(b.kind()).isEqualTo("chunk");
            assertThat(b.sessionId()).isEqualTo("t-1");
            assertThat(b.chunkIndex()).isEqualTo(1);
        });
        assertThat(tampered.broken()).anySatisfy(b -> {
            assertThat(b.kind()).isEqualTo("event");
            assertThat(b.eventId()).isEqualTo(victim);
            assertThat(b.describe()).contains("altered");
        });
    }

    @Test
    void rewritingTheChainAfterTheLastSignedCheckpointIsCaughtByTheCheckpoint() throws Exception {
        DataSource db = TestDatabase.create().dataSource();
        AuditSchema.migrate(db);
        PostgresAuditStore store = new PostgresAuditStore(db);
        AuditKey key = AuditKey.generate();
        for (int i = 0; i < 3; i++) {
            store.record(AuditEvent.builder("e" + i).build());
        }
        new ChainCheckpointer(db, key).checkpoint();
        // An attacker deletes the last event and rewinds the head: every remaining hash is self-consistent.
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
            s.execute("DELETE FROM audit_events WHERE id = 3");
            s.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
        }
        VerificationReport report = new AuditVerifier(store, new FileBlobStore(dir), key).verify();
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo("checkpoint");
            assertThat(b.describe()).contains("gone");
        });
    }
}
