package dev.gatehouse.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.chain.ChainHash;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.PostgresAuditStore.StoredRow;
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
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker with disk and database superuser access would do, and what verify says about it; and what an
 * insider who owns only the database can do against the anchors in the blob store.
 */
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
        ChainCheckpointer checkpointer = new ChainCheckpointer(db, key, blobs);
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

    /**
     * Nine plain events, a checkpoint (and its anchor in the blob store) after events 3, 6 and 9. The insider below
     * owns the database (superuser, triggers off) but has neither the audit key nor the blob store.
     */
    private final class Chain {
        final DataSource db = TestDatabase.create().dataSource();
        final PostgresAuditStore store;
        final FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        final AuditKey key = AuditKey.generate();

        Chain(boolean checkpointed) {
            AuditSchema.migrate(db);
            store = new PostgresAuditStore(db);
            ChainCheckpointer checkpointer = new ChainCheckpointer(db, key, blobs);
            for (int i = 1; i <= 9; i++) {
                store.record(AuditEvent.builder("host.updated").actor("admin").target("web-0" + i).build());
                if (checkpointed && i % 3 == 0) {
                    assertThat(checkpointer.checkpoint()).isEqualTo(i);
                }
            }
        }

        VerificationReport verify() {
            return new AuditVerifier(store, blobs, AuditKey.verifierOnly(key.publicKey())).verify();
        }

        void asInsider(String... statements) throws Exception {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE audit_events DISABLE TRIGGER USER");
                s.execute("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER");
                for (String sql : statements) {
                    s.execute(sql);
                }
                s.execute("ALTER TABLE audit_events ENABLE TRIGGER USER");
                s.execute("ALTER TABLE audit_checkpoints ENABLE TRIGGER USER");
            }
        }

        /** Changes one event's target and recomputes its hash and every later one, and the head, as an insider can. */
        void rewriteWithEveryLaterHashRecomputed(long id, String target) throws Exception {
            List<StoredRow> rows = store.rowsAfter(id - 1, 1000);
            byte[] prev = rows.getFirst().prevHash();
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                    PreparedStatement update = c.prepareStatement(
                            "UPDATE audit_events SET target = ?, prev_hash = ?, hash = ? WHERE id = ?")) {
                s.execute("ALTER TABLE audit_events DISABLE TRIGGER USER");
                for (StoredRow r : rows) {
                    String newTarget = r.id() == id ? target : r.target();
                    StoredRow changed = new StoredRow(r.id(), r.type(), r.time(), r.actor(), r.sourceAddress(),
                            newTarget, r.outcome(), r.sessionId(), r.details(), r.sessionSeq(), r.sessionHash(), prev,
                            null);
                    byte[] hash = ChainHash.link(prev, changed.canonical());
                    update.setString(1, newTarget);
                    update.setBytes(2, prev);
                    update.setBytes(3, hash);
                    update.setLong(4, r.id());
                    update.executeUpdate();
                    prev = hash;
                }
                s.execute("ALTER TABLE audit_events ENABLE TRIGGER USER");
                s.execute("UPDATE audit_chain_head SET hash = decode('" + HexFormat.of().formatHex(prev)
                        + "', 'hex') WHERE id = 1");
            }
        }
    }

    @Test
    void aCleanAnchoredStoreIsOk() {
        VerificationReport report = new Chain(true).verify();
        assertThat(report.broken()).isEmpty();
        assertThat(report.anchorsChecked()).isEqualTo(3);
        assertThat(report.anchoredUpTo()).isEqualTo(9);
        assertThat(report.unsignedTail()).isZero();
    }

    @Test
    void deletedCheckpointRowsAreReportedAtTheFirstOneDeleted() throws Exception {
        Chain chain = new Chain(true);
        chain.asInsider("DELETE FROM audit_checkpoints WHERE seq >= 6");
        VerificationReport report = chain.verify();
        assertThat(report.broken()).extracting(BrokenLink::describe).hasSize(2).first().asString()
                .startsWith("checkpoint 6: ").contains("missing from audit_checkpoints");
    }

    @Test
    void anEventRewrittenWithEveryLaterHashRecomputedIsReportedAtTheFirstAnchorAfterIt() throws Exception {
        Chain chain = new Chain(true);
        chain.rewriteWithEveryLaterHashRecomputed(5, "mallory");
        // The rows that no longer match go too; what remains in the database is consistent.
        chain.asInsider("DELETE FROM audit_checkpoints WHERE seq >= 6");
        VerificationReport report = chain.verify();
        assertThat(report.broken()).extracting(BrokenLink::describe).first().asString()
                .startsWith("checkpoint 6: ").contains("events 4..6 differ").contains("rewritten");
        assertThat(report.anchoredUpTo()).isEqualTo(3);
    }

    @Test
    void aCutTailIsReportedAtTheAnchorThatPointsPastTheEnd() throws Exception {
        Chain chain = new Chain(true);
        byte[] hashOf6 = chain.store.rowsAfter(5, 1).getFirst().hash();
        chain.asInsider("DELETE FROM audit_events WHERE id > 6", "DELETE FROM audit_checkpoints WHERE seq > 6",
                "UPDATE audit_chain_head SET seq = 6, hash = decode('" + HexFormat.of().formatHex(hashOf6)
                        + "', 'hex') WHERE id = 1");
        VerificationReport report = chain.verify();
        assertThat(report.broken()).extracting(BrokenLink::describe).singleElement().asString()
                .startsWith("checkpoint 9: ").contains("events 7..9 are gone");
    }

    @Test
    void aStoreWithEventsAndNoCheckpointIsNotOk() {
        VerificationReport report = new Chain(false).verify();
        assertThat(report.broken()).extracting(BrokenLink::describe).singleElement().asString()
                .startsWith("event 1: ").contains("no checkpoint anchor");
    }

    @Test
    void anUnsignedTailOlderThanTheCheckpointIntervalIsNotOk() {
        Chain chain = new Chain(true);
        for (int i = 10; i <= 12; i++) {
            chain.store.record(AuditEvent.builder("host.updated").actor("admin").target("web-" + i).build());
        }
        AuditKey verifier = AuditKey.verifierOnly(chain.key.publicKey());
        Duration interval = Duration.ofSeconds(10);
        Clock now = Clock.systemUTC();
        assertThat(new AuditVerifier(chain.store, chain.blobs, verifier, interval, now).verify().broken()).isEmpty();
        Clock later = Clock.offset(now, interval.plusSeconds(1));
        VerificationReport report = new AuditVerifier(chain.store, chain.blobs, verifier, interval, later).verify();
        assertThat(report.broken()).extracting(BrokenLink::describe).singleElement().asString()
                .startsWith("event 10: ").contains("events 10..12 follow the last anchor (event 9)");
    }
}
