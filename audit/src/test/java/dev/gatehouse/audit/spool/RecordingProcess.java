package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
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
 * reports each tick on stdout after handing it to the recorder, until it is killed.
 * Arguments: jdbcUrl user password dataDir.
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
        SessionRecording r = recorder.open(SessionStart.shell("killed-1", "carol", "root", "app-01", 80, 24));
        for (int i = 0; ; i++) {
            byte[] b = ("tick " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
            r.output(b, 0, b.length);
            System.out.println("tick " + i);
            System.out.flush();
            Thread.sleep(50);
        }
    }

    static AuditKey key(Path dir) throws Exception {
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        return AuditKey.of(new KeyPair(
                kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(dir.resolve("audit.pub")))),
                kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("audit.key"))))));
    }
}
