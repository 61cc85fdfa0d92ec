package dev.gatehouse.audit.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.audit.verify.AuditVerifier;
import dev.gatehouse.audit.verify.VerificationReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The database goes away in the middle of a live session and comes back: nothing is lost or reordered. */
class DatabaseOutageIT {

    @TempDir
    Path dir;
    private EmbeddedPostgres pg;
    private int port;

    @AfterEach
    void stopDatabase() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void databaseStoppedMidSessionThenRestartedKeepsEveryEventAndByteInOrderAndTheChainVerifies()
            throws Exception {
        startStore();
        EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"), new PostgresEvidenceStore(store, blobs),
                16 << 20);
        StringBuilder expected = new StringBuilder();
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("node-a")
                .withChunking(4096, Duration.ofMillis(300)), key, spool)) {
            SessionRecording r = recorder.open(SessionStart.shell("outage-1", "alice", "root", "web-01", 80, 24));
            for (int i = 0; i < 90; i++) {
                if (i == 30) {
                    pg.close(); // the database disappears mid-session
                    pg = null;
                }
                if (i == 60) {
                    assertThat(spool.failing()).as("the spool noticed the outage").isTrue();
                    startDatabase(); // and comes back on the same data directory and port
                }
                String line = "line " + i + "\r\n";
                expected.append(line);
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                r.output(b, 0, b.length);
                r.event(AuditEvent.builder("test.tick").actor("alice").detail("i", i).build());
                Thread.sleep(20);
            }
            r.end(SessionEnd.exited(0));
            assertThat(recorder.awaitStored(Duration.ofSeconds(90))).as("stored: %s", spool.lastError()).isTrue();
        }

        ByteArrayOutputStream cast = new ByteArrayOutputStream();
        for (String k : blobs.list("sessions/outage-1/")) {
            cast.writeBytes(blobs.get(k).orElseThrow());
        }
        String output = String.join("", cast.toString(StandardCharsets.UTF_8).lines().skip(1)
                .filter(l -> l.contains("\"o\""))
                .map(l -> l.substring(l.indexOf("\"o\", \"") + 6, l.length() - 2))
                .toList()).replace("\\r\\n", "\r\n");
        assertThat(output).isEqualTo(expected.toString());

        List<StoredAuditEvent> ticks = store.search(AuditEventQuery.builder().sessionId("outage-1")
                .type("test.tick").limit(1000).build());
        assertThat(ticks).extracting(e -> e.event().details().get("i"))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 90).boxed().toList());
        new ChainCheckpointer(db, key, blobs).checkpoint();
        VerificationReport report = new AuditVerifier(store, blobs, key).verify();
        assertThat(report.broken()).isEmpty();
        assertThat(report.chunksChecked()).isGreaterThan(1);
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status FROM audit_sessions WHERE session_id = 'outage-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ended");
        }
    }

    @Test
    void bastionEventsDuringAnOutageArriveInOrderAndEachOnce() throws Exception {
        startStore();
        EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"), new PostgresEvidenceStore(store, blobs),
                16 << 20);
        SpooledAuditSink sink = new SpooledAuditSink(spool);
        try (spool) {
            sink.record(sshEvent("ssh.auth", 0));
            assertThat(spool.awaitDrained(Duration.ofSeconds(30))).isTrue();
            pg.close(); // the database disappears
            pg = null;
            for (int i = 1; i < 20; i++) {
                sink.record(sshEvent(i % 2 == 0 ? "ssh.login" : "ssh.login.denied", i));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!spool.failing() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.failing()).as("the spool noticed the outage").isTrue();
            startDatabase();
            sink.record(sshEvent("ssh.logout", 20));
            assertThat(spool.awaitDrained(Duration.ofSeconds(60))).as("stored: %s", spool.lastError()).isTrue();
        }
        List<StoredAuditEvent> stored = store.search(AuditEventQuery.builder().actor("alice").limit(1000).build());
        assertThat(stored).extracting(e -> e.event().details().get("i"))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 21).boxed().toList());

        // Delivered again (a crash after the commit, before the spool saved its position): stored once.
        AuditEvent again = sshEvent("ssh.logout", 21);
        new PostgresEvidenceStore(store, blobs).store(List.of(new Evidence.NodeEvent("delivery-21", again)));
        new PostgresEvidenceStore(store, blobs).store(List.of(new Evidence.NodeEvent("delivery-21", again)));
        assertThat(store.search(AuditEventQuery.builder().actor("alice").limit(1000).build())).hasSize(22);
        new ChainCheckpointer(db, key, blobs).checkpoint();
        assertThat(new AuditVerifier(store, blobs, key).verify().broken()).isEmpty();
    }

    private static AuditEvent sshEvent(String type, int i) {
        return AuditEvent.builder(type).actor("alice").sourceAddress("198.51.100.7").detail("i", i).build();
    }

    @Test
    void sessionLeftRunningByACrashedRecorderIsMarkedInterruptedOnRestart() throws Exception {
        startStore();
        EvidenceSpool first = new EvidenceSpool(dir.resolve("spool-1"), new PostgresEvidenceStore(store, blobs),
                1 << 20);
        AsyncSessionRecorder crashed = new AsyncSessionRecorder(RecorderSettings.defaults("node-b")
                .withChunking(4096, Duration.ofMillis(200)), key, first);
        SessionRecording r = crashed.open(SessionStart.shell("crash-1", "bob", "root", "db-01", 80, 24));
        byte[] b = "before the crash\r\n".getBytes(StandardCharsets.UTF_8);
        r.output(b, 0, b.length);
        // Seal intervals pass: the output is sealed and stored while the session runs.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (blobs.get("sessions/crash-1/00000000.cast").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(crashed.awaitStored(Duration.ofSeconds(30))).isTrue();
        // The process dies here: no end(), no close(). A new recorder with the same node id starts.
        EvidenceSpool second = new EvidenceSpool(dir.resolve("spool-2"), new PostgresEvidenceStore(store, blobs),
                1 << 20);
        try (AsyncSessionRecorder restarted = new AsyncSessionRecorder(RecorderSettings.defaults("node-b"), key,
                second)) {
            assertThat(second.awaitDrained(Duration.ofSeconds(30))).isTrue();
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status FROM audit_sessions WHERE session_id = 'crash-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("interrupted");
        }
        assertThat(store.search(AuditEventQuery.builder().sessionId("crash-1").type("session.interrupted").build()))
                .hasSize(1);
        String cast = new String(blobs.get("sessions/crash-1/00000000.cast").orElseThrow(), StandardCharsets.UTF_8);
        assertThat(cast).contains("before the crash");
        new ChainCheckpointer(db, key, blobs).checkpoint();
        assertThat(new AuditVerifier(store, blobs, key).verify().broken()).isEmpty();
    }

    private PGSimpleDataSource db;
    private PostgresAuditStore store;
    private FileBlobStore blobs;
    private final AuditKey key = AuditKey.generate();

    private void startStore() throws IOException {
        port = freePort();
        startDatabase();
        db = dataSource();
        AuditSchema.migrate(db);
        store = new PostgresAuditStore(db);
        blobs = new FileBlobStore(dir.resolve("blobs"));
    }

    private void startDatabase() throws IOException {
        pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    private PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        ds.setUser("postgres");
        ds.setConnectTimeout(3);
        ds.setSocketTimeout(30);
        return ds;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
