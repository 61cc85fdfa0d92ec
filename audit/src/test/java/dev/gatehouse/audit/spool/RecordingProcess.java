package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditSink;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A bastion stand-in for {@link KilledRecorderIT}: records one session that prints a numbered tick every 50 ms, and
 * reports each tick on stdout after handing it to the recorder, until it is killed. With a fifth argument {@code ended}
 * it plays a short bastion session instead (ssh.login, 20 ticks, the end, ssh.logout, the events through
 * {@link SpooledAuditSink} as the bastion sends them), prints {@code ended} and waits to be killed.
 * Arguments: jdbcUrl user password dataDir [ended].
 */
public final class RecordingProcess {

    private RecordingProcess() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(args[0]);
        db.setUser(args[1]);
        if (!args[2].isEmpty()) {
            db.setPassword(args[2]);
        }
        Path dir = Path.of(args[3]);
        PostgresAuditStore store = new PostgresAuditStore(db);
        EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"),
                new PostgresEvidenceStore(store, new FileBlobStore(dir.resolve("blobs"))), 16 << 20);
        AsyncSessionRecorder recorder = new AsyncSessionRecorder(RecorderSettings.defaults("victim")
                .withChunking(1 << 20, Duration.ofMillis(500)), key(dir), spool);
        if (args.length > 4 && args[4].equals("ended")) {
            endedSession(recorder, new SpooledAuditSink(spool));
            return;
        }
        SessionRecording r = recorder.open(SessionStart.shell("killed-1", "carol", "root", "app-01", 80, 24));
        for (int i = 0; ; i++) {
            byte[] b = ("tick " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
            r.output(b, 0, b.length);
            System.out.println("tick " + i);
            System.out.flush();
            Thread.sleep(50);
        }
    }

    private static void endedSession(AsyncSessionRecorder recorder, AuditSink events) throws InterruptedException {
        events.record(AuditEvent.builder("ssh.login").actor("carol").target("root@app-01").sessionId("conn-1")
                .build());
        SessionRecording r = recorder.open(SessionStart.shell("ended-1", "carol", "root", "app-01", 80, 24));
        for (int i = 0; i < 20; i++) {
            byte[] b = ("tick " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
            r.output(b, 0, b.length);
        }
        r.end(SessionEnd.exited(0));
        events.record(AuditEvent.builder("ssh.logout").actor("carol").target("root@app-01").sessionId("conn-1")
                .build());
        System.out.println("ended");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static AuditKey key(Path dir) throws Exception {
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        return AuditKey.of(new KeyPair(
                kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(dir.resolve("audit.pub")))),
                kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("audit.key"))))));
    }
}
