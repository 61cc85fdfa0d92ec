package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.export.SessionExport;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code cat} of a huge file: the recording keeps the session's budget of bytes and no more, and its sealed end
 * still accounts for every byte of every stream (count and SHA-256). A full queue makes output wait, never drops it.
 */
class OutputFloodIT {

    static final long BUDGET = 256 << 10;

    @TempDir
    static Path dir;
    static RecordingFixture fixture;
    static SessionExport export;

    @BeforeAll
    static void start() {
        // A queue far smaller than the flood: output has to wait for the worker.
        fixture = RecordingFixture.start(dir, RecorderSettings.defaults("flood").withMaxBytesPerSession(BUDGET)
                .withQueue(8, 128 << 10));
        export = new SessionExport(fixture.events(), fixture.blobs(), fixture.key(), fixture.events());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void pastTheBudgetTheRecordingKeepsExactlyTheBudgetAndTheEndCarriesTheHashAndLengthOfEverything()
            throws Exception {
        SessionRecording r = fixture.recorder().open(exec("flood-1"));
        byte[] script = "cat /var/log/huge\n".getBytes();
        r.input(script, 0, script.length);
        byte[] all = new byte[8 << 20];
        new Random(7).nextBytes(all);
        for (int at = 0; at < all.length; at += 16 << 10) { // 8 MiB as fast as the caller can go
            r.output(ChannelStream.STDOUT, all, at, 16 << 10);
        }
        byte[] warning = "cat: short read\n".getBytes();
        r.output(ChannelStream.STDERR, warning, 0, warning.length);
        r.end(SessionEnd.exited(0));
        fixture.awaitStored();

        byte[] keptOut = export.export("flood-1", SessionExport.Format.STDOUT, "auditor", null).content();
        byte[] keptIn = export.export("flood-1", SessionExport.Format.STDIN, "auditor", null).content();
        byte[] keptErr = export.export("flood-1", SessionExport.Format.STDERR, "auditor", null).content();
        assertThat(keptIn).isEqualTo(script);
        assertThat(keptOut).isEqualTo(Arrays.copyOf(all, (int) BUDGET - script.length));
        assertThat(keptErr).isEmpty();
        assertThat(fixture.cast("flood-1")).contains("gatehouse: the recording keeps the first " + BUDGET);
        assertThat(events("flood-1", "recording.truncated")).hasSize(1);

        Map<?, ?> streams = (Map<?, ?>) events("flood-1", "session.ended").getFirst().event().details().get("streams");
        assertThat(tally(streams.get("stdout"))).containsExactly((long) all.length, BUDGET - script.length, sha256(all));
        assertThat(tally(streams.get("stderr"))).containsExactly((long) warning.length, 0L, sha256(warning));
        assertThat(tally(streams.get("stdin"))).containsExactly((long) script.length, (long) script.length,
                sha256(script));
    }

    @Test
    void withinTheBudgetAFullQueueLosesNothing() throws Exception {
        SessionRecording r = fixture.recorder().open(exec("flood-2"));
        byte[] all = new byte[(int) BUDGET];
        new Random(8).nextBytes(all);
        for (int at = 0; at < all.length; at += 1024) {
            r.output(ChannelStream.STDOUT, all, at, 1024);
        }
        r.end(SessionEnd.exited(0));
        fixture.awaitStored();
        assertThat(export.export("flood-2", SessionExport.Format.STDOUT, "auditor", null).content()).isEqualTo(all);
        assertThat(events("flood-2", "recording.truncated")).isEmpty();
    }

    private static SessionStart exec(String id) {
        return new SessionStart(id, "alice", "root", "web-01", "direct", null, SessionKind.EXEC, null, 0, 0,
                Instant.now(), "bash -s");
    }

    private static List<StoredAuditEvent> events(String session, String type) {
        return fixture.events().search(AuditEventQuery.builder().sessionId(session).type(type).build());
    }

    private static List<Object> tally(Object stream) {
        Map<?, ?> m = (Map<?, ?>) stream;
        return List.of(((Number) m.get("bytes")).longValue(), ((Number) m.get("keptBytes")).longValue(),
                m.get("sha256"));
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
