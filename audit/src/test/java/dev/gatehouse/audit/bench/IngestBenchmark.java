package dev.gatehouse.audit.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Audit event ingest into PostgreSQL, sustained: {@code sessions} threads each feed events into their own recording
 * as fast as the recorder takes them, for {@code seconds}; the figure is events stored (committed, chained) per
 * second of wall time, counted in the database after the spool drained. Not a test: run it by hand, see README.
 *
 * <p>Wired as the product wires it: migrations as an owner role, the pipeline as a runtime role given only
 * {@link AuditSchema#grantRuntime}'s privileges, through a HikariCP pool, with the product's spool memory budget and
 * recorder queue. Prints the server's durability settings and the machine's load next to the figure.
 *
 * <p>Arguments: seconds (default 60), sessions (default 8).
 */
public final class IngestBenchmark {

    /** As {@code RecordingConfiguration.SPOOL_MEMORY_BYTES} in the control plane. */
    private static final long SPOOL_MEMORY_BYTES = 64L << 20;

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        TestDatabase database = TestDatabase.create();
        TestDatabase.Roles roles = database.ownerAndRuntimeRoles();
        DataSource owner = database.dataSource(roles.owner(), roles.ownerPassword());
        AuditSchema.migrate(owner);
        AuditSchema.grantRuntime(owner, roles.runtime());
        System.out.printf("database %s: %s; load before: %s%n", database.name(), settings(owner), load());
        Path dir = Files.createTempDirectory("ingest-bench");
        long start;
        long offered;
        long cpuNanos;
        java.util.Map<String, Long> stages;
        double serverCpu;
        long walBytes;
        long walStart = walPosition(database.dataSource());
        try (HikariDataSource runtime = pool(database, roles.runtime(), roles.runtimePassword())) {
            EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"), new PostgresEvidenceStore(
                    new PostgresAuditStore(runtime), new FileBlobStore(dir.resolve("blobs"))), SPOOL_MEMORY_BYTES);
            try (AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("bench"),
                    AuditKey.generate(), spool)) {
                long cpuStart = cpu();
                double serverCpuStart = serverCpu(database.dataSource(), database.name());
                AtomicLong feederCpu = new AtomicLong();
                List<Thread> feeders = new ArrayList<>();
                long[] counts = new long[sessions];
                start = System.nanoTime();
                long end = start + Duration.ofSeconds(seconds).toNanos();
                for (int s = 0; s < sessions; s++) {
                    int n = s;
                    feeders.add(Thread.ofPlatform().start(() -> counts[n] = feed(recorder, spool, n, end, feederCpu)));
                }
                for (Thread t : feeders) {
                    t.join();
                }
                offered = java.util.Arrays.stream(counts).sum();
                if (!recorder.awaitStored(Duration.ofMinutes(10))) {
                    throw new IllegalStateException("the pipeline did not drain within 10 minutes");
                }
                cpuNanos = cpu() - cpuStart;
                stages = threadCpu();
                stages.put("feeders (the bastion's side)", feederCpu.get());
                serverCpu = serverCpu(database.dataSource(), database.name()) - serverCpuStart;
                walBytes = walPosition(database.dataSource()) - walStart;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long stored;
        try (Connection c = owner.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_events")) {
            rs.next();
            stored = rs.getLong(1);
        }
        System.out.printf("sessions=%d offered=%d stored=%d elapsed=%.1fs ingest=%.0f events/s; load after: %s%n",
                sessions, offered, stored, elapsed, stored / elapsed, load());
        // CPU per event does not depend on how many other processes share the cores; the rate does.
        System.out.printf("cpu per event: benchmark JVM %.1f us, PostgreSQL backends %.1f us; WAL %.0f bytes/event"
                + " (the whole server's)%n", cpuNanos / 1e3 / stored, serverCpu * 1e6 / stored,
                (double) walBytes / stored);
        StringBuilder perStage = new StringBuilder();
        stages.forEach((name, nanos) -> perStage.append(String.format(" %s %.1f us;", name, nanos / 1e3 / stored)));
        System.out.println("cpu per event by thread (the rest is GC and JIT):" + perStage);
    }

    /** Feeds one session until {@code end}; returns the events offered and adds this thread's CPU to {@code cpu}. */
    private static long feed(AsyncSessionRecorder recorder, EvidenceSpool spool, int n, long end, AtomicLong cpu) {
        SessionRecording r = recorder.open(SessionStart.shell("bench-" + n, "user" + n, "root", "host-" + n, 80, 24));
        long i = 0;
        while (System.nanoTime() < end) {
            // Pace to what the pipeline absorbs: control frames never block, so an unpaced feeder would only measure
            // the recorder's backlog policy. Checked every 256 events: the check takes the spool's lock.
            if ((i & 255) == 0 && (spool.backlog() > 50_000 || recorder.queued() > 20_000)) {
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            r.event(AuditEvent.builder("sftp.write").actor("user" + n).target("/srv/data/file-" + i)
                    .detail("bytes", i * 32768).detail("offset", i).build());
            i++;
        }
        r.end(SessionEnd.exited(0));
        cpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
        return i;
    }

    private static String settings(DataSource db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String setting : new String[] {"server_version", "fsync", "synchronous_commit", "full_page_writes",
                    "wal_level", "shared_buffers", "commit_delay"}) {
                try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    rs.next();
                    out.append(out.isEmpty() ? "" : ", ").append(setting).append('=').append(rs.getString(1));
                }
            }
        }
        return out.toString();
    }

    /** CPU time of the pipeline's threads (each stage is one thread), the feeders summed. */
    private static java.util.Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName().startsWith("audit-") ? t.getName() : "other";
            out.merge(name, Math.max(0, mx.getThreadCpuTime(t.threadId())), Long::sum);
        }
        return out;
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU seconds used so far by the server processes connected to this database (same machine, Linux only). */
    private static double serverCpu(DataSource db, String name) throws Exception {
        double seconds = 0;
        long ticks = 100; // USER_HZ on Linux
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + name
                        + "' AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                Path stat = Path.of("/proc", String.valueOf(rs.getInt(1)), "stat");
                if (Files.isReadable(stat)) {
                    String text = Files.readString(stat);
                    String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
                    seconds += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) ticks;
                }
            }
        }
        return seconds;
    }

    private static long walPosition(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String load() throws Exception {
        String[] avg = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return avg[0] + " " + avg[1] + " " + avg[2];
    }

    /** As the control plane's {@code DatabaseServer} pool. */
    private static HikariDataSource pool(TestDatabase database, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench");
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        return new HikariDataSource(config);
    }
}
