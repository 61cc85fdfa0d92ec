package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.spool.EvidenceSpool;
import dev.gatehouse.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/** A whole recorder wired to a fresh database and a blob directory, for tests. */
public final class RecordingFixture implements AutoCloseable {

    private final DataSource db;
    private final PostgresAuditStore events;
    private final BlobStore blobs;
    private final AuditKey key = AuditKey.generate();
    private final EvidenceSpool spool;
    private final AsyncSessionRecorder recorder;

    /** A recorder on a fresh test database, blobs and spool under {@code dir}. */
    public static RecordingFixture start(Path dir, RecorderSettings settings) {
        return new RecordingFixture(TestDatabase.create().dataSource(), dir, settings);
    }

    private RecordingFixture(DataSource db, Path dir, RecorderSettings settings) {
        this.db = db;
        AuditSchema.migrate(db);
        this.events = new PostgresAuditStore(db);
        this.blobs = new FileBlobStore(dir.resolve("blobs"));
        this.spool = new EvidenceSpool(dir.resolve("spool"), new PostgresEvidenceStore(events, blobs), 32 << 20);
        this.recorder = new AsyncSessionRecorder(settings, key, spool);
    }

    public void awaitStored() throws InterruptedException {
        if (!recorder.awaitStored(Duration.ofSeconds(60))) {
            throw new AssertionError("evidence not stored within 60 s: " + spool.lastError());
        }
    }

    /** The recording's chunks concatenated: the asciicast file. */
    public String cast(String sessionId) {
        return new String(castBytes(sessionId), StandardCharsets.UTF_8);
    }

    /** The stored chunks of a session, concatenated. */
    public byte[] castBytes(String sessionId) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String key : blobs.list("sessions/" + sessionId + "/")) {
            all.writeBytes(blobs.get(key).orElseThrow());
        }
        return all.toByteArray();
    }

    public DataSource dataSource() {
        return db;
    }

    public PostgresAuditStore events() {
        return events;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public AuditKey key() {
        return key;
    }

    public EvidenceSpool spool() {
        return spool;
    }

    public AsyncSessionRecorder recorder() {
        return recorder;
    }

    /** What the target printed (as the bastion would pass it on). */
    public static void show(SessionRecording r, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        r.output(b, 0, b.length);
    }

    /** What the user typed. */
    public static void type(SessionRecording r, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        r.input(b, 0, b.length);
    }

    @Override
    public void close() {
        recorder.close();
    }
}
