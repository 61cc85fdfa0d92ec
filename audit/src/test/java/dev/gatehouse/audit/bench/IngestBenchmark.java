package dev.gatehouse.audit.bench;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.audit.spool.EvidenceSpool;
import dev.gatehouse.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Audit event ingest into PostgreSQL, sustained: {@code sessions} threads each feed events into their own recording
 * as fast as the recorder takes them, for {@code seconds}; the figure is events stored (committed, chained) per
 * second of wall time, counted in the database after the spool drained. Not a test: run it by hand, see README.
 *
 * <p>Arguments: seconds (default 60), sessions (default 8).
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        DataSource db = TestDatabase.create().dataSource();
        AuditSchema.migrate(db);
        Path dir = Files.createTempDirectory("ingest-bench");
        PostgresAuditStore store = new PostgresAuditStore(db);
        EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"),
                new PostgresEvidenceStore(store, new FileBlobStore(dir.resolve("blobs"))), 256L << 20);
        long start;
        long offered;
        try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("bench")
                .withQueue(200_000, 256L << 20), AuditKey.generate(), spool)) {
            List<Thread> feeders = new ArrayList<>();
            long[] counts = new long[sessions];
            start = System.nanoTime();
            long end = start + Duration.ofSeconds(seconds).toNanos();
            for (int s = 0; s < sessions; s++) {
                int n = s;
                feeders.add(Thread.ofPlatform().start(() -> {
                    SessionRecording r = recorder.open(SessionStart.shell("bench-" + n, "user" + n, "root",
                            "host-" + n, 80, 24));
                    long i = 0;
                    while (System.nanoTime() < end) {
                        // Pace to what the pipeline absorbs: the recorder never blocks, so an unpaced feeder
                        // would only measure the queue's backlog policy.
                        if (spool.backlog() > 50_000 || recorder.queued() > 20_000) {
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            continue;
                        }
                        r.event(AuditEvent.builder("sftp.write").actor("user" + n).target("/srv/data/file-" + i)
                                .detail("bytes", i * 32768).detail("offset", i).build());
                        i++;
                    }
                    r.end(SessionEnd.exited(0));
                    counts[n] = i;
                }));
            }
            for (Thread t : feeders) {
                t.join();
            }
            offered = java.util.Arrays.stream(counts).sum();
            Thread.sleep(500);
            spool.awaitDrained(Duration.ofMinutes(10));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long stored;
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_events")) {
            rs.next();
            stored = rs.getLong(1);
        }
        System.out.printf("sessions=%d offered=%d stored=%d elapsed=%.1fs ingest=%.0f events/s%n",
                sessions, offered, stored, elapsed, stored / elapsed);
    }
}
