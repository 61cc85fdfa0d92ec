package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code cat} of a huge file: the recording stays bounded and says, in the recording, what it left out. */
class OutputFloodIT {

    @TempDir
    static Path dir;
    static RecordingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = RecordingFixture.start(dir, RecorderSettings.defaults("flood").withOutputLimit(64 << 10, 256 << 10));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void outputAboveTheRateIsSummarisedByAMarkerAndEveryByteIsAccountedFor() throws Exception {
        SessionRecording r = fixture.recorder().open(SessionStart.shell("flood-1", "alice", "root", "web-01", 80, 24));
        byte[] block = new byte[16 << 10];
        Arrays.fill(block, (byte) 'x');
        long sent = 0;
        for (int i = 0; i < 512; i++) { // 8 MiB as fast as the caller can go
            r.output(block, 0, block.length);
            sent += block.length;
        }
        r.end(SessionEnd.exited(0));
        fixture.awaitStored();

        String cast = fixture.cast("flood-1");
        assertThat(cast).contains("\"m\", \"gatehouse: ").contains("bytes of output not recorded");
        assertThat(cast.length()).isLessThan(2 << 20);
        List<StoredAuditEvent> summarised = fixture.events().search(AuditEventQuery.builder().sessionId("flood-1")
                .type("recording.summarised").build());
        long omitted = summarised.stream().mapToLong(e -> ((Number) e.event().details().get("bytes")).longValue())
                .sum();
        long recorded = cast.lines().filter(l -> l.contains("\"o\", "))
                .mapToLong(l -> l.chars().filter(c -> c == 'x').count()).sum();
        assertThat(recorded + omitted).isEqualTo(sent);
        assertThat(omitted).isPositive();
    }
}
