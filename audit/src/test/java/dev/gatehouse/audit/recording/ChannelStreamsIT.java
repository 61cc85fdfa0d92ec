package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.export.Manifest;
import dev.gatehouse.audit.export.SessionExport;
import dev.gatehouse.audit.search.SessionQuery;
import dev.gatehouse.audit.search.SessionSearch;
import dev.gatehouse.audit.search.SessionSummary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel without a terminal ({@code ssh host 'bash -s' < script}): stdin, stdout and stderr kept apart, exactly. */
class ChannelStreamsIT {

    @TempDir
    static Path dir;
    static RecordingFixture fixture;
    static SessionExport export;

    static final byte[] SCRIPT = "echo scriptedword\nrm -rf /tmp/evidence\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] BINARY = new byte[70_000];
    static final byte[] ERRORS = "bash: warning: stderrword\n".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void record() throws Exception {
        for (int i = 0; i < BINARY.length; i++) {
            BINARY[i] = (byte) (i * 31 + (i >> 8)); // every byte value, NUL and invalid UTF-8 included
        }
        fixture = RecordingFixture.start(dir, RecorderSettings.defaults("streams").withChunking(4096,
                Duration.ofSeconds(5)));
        export = new SessionExport(fixture.events(), fixture.blobs(), fixture.key(), fixture.events());
        SessionRecording r = fixture.recorder().open(new SessionStart("exec-1", "alice", "root", "web-01", "direct",
                "10.0.0.1:5000", SessionKind.EXEC, null, 0, 0, Instant.now(), "bash -s"));
        r.input(SCRIPT, 0, 10);
        r.output(ChannelStream.STDOUT, "outputword\n".getBytes(StandardCharsets.UTF_8), 0, 11);
        r.input(SCRIPT, 10, SCRIPT.length - 10);
        for (int at = 0; at < BINARY.length; at += 32 * 1024) {
            r.output(ChannelStream.STDOUT, BINARY, at, Math.min(32 * 1024, BINARY.length - at));
        }
        r.output(ChannelStream.STDERR, ERRORS, 0, ERRORS.length);
        r.end(SessionEnd.exited(0));
        fixture.awaitStored();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void eachStreamComesBackFromTheExportByteExactWithASignedManifest() {
        AuditKey publicOnly = AuditKey.verifierOnly(fixture.key().publicKey().getEncoded());
        SessionExport.Exported in = export.export("exec-1", SessionExport.Format.STDIN, "auditor", null);
        SessionExport.Exported out = export.export("exec-1", SessionExport.Format.STDOUT, "auditor", null);
        SessionExport.Exported err = export.export("exec-1", SessionExport.Format.STDERR, "auditor", null);
        assertThat(in.content()).isEqualTo(SCRIPT);
        byte[] expected = new byte[11 + BINARY.length];
        System.arraycopy("outputword\n".getBytes(StandardCharsets.UTF_8), 0, expected, 0, 11);
        System.arraycopy(BINARY, 0, expected, 11, BINARY.length);
        assertThat(out.content()).isEqualTo(expected);
        assertThat(err.content()).isEqualTo(ERRORS);
        assertThat(out.fileName()).isEqualTo("exec-1.stdout");
        for (SessionExport.Exported e : List.of(in, out, err)) {
            assertThat(Manifest.verify(e.content(), e.manifest(), publicOnly)).isEmpty();
        }
    }

    @Test
    void theScriptOnStdinAndTheTextOfStdoutAndStderrAreFoundBySearch() {
        SessionSearch search = new SessionSearch(fixture.dataSource());
        for (String word : List.of("scriptedword", "outputword", "stderrword")) {
            assertThat(search.search(SessionQuery.all().withText(word))).as(word)
                    .extracting(SessionSummary::sessionId).containsExactly("exec-1");
        }
    }

    @Test
    void theRecordingKeepsTheStreamsApartAsRawBytesInBinaryFrames() {
        byte[] recording = fixture.castBytes("exec-1");
        String header = new String(recording, 0, 200, StandardCharsets.ISO_8859_1).lines().findFirst().orElseThrow();
        assertThat(header).contains("\"streams\":2").contains("\"version\":2");
        Map<ChannelStream, ByteArrayOutputStream> read = readStreams(recording);
        assertThat(read.get(ChannelStream.STDIN).toByteArray()).isEqualTo(SCRIPT);
        assertThat(read.get(ChannelStream.STDERR).toByteArray()).isEqualTo(ERRORS);
        long relayed = SCRIPT.length + 11 + BINARY.length + ERRORS.length;
        // A byte on disk per byte relayed, plus the header line and a few bytes of frame header per frame.
        assertThat(recording.length - header.length() - 1).isBetween((int) relayed, (int) relayed + 8 * 16);
    }

    @Test
    void playbackGivesTheConsoleTheStreamsAsJsonLines() throws Exception {
        ByteArrayOutputStream played = new ByteArrayOutputStream();
        export.view("exec-1", "auditor", null).writeTo(played);
        List<String> lines = played.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.getFirst()).contains("\"streams\":1").contains("\"command\":\"bash -s\"");
        assertThat(lines.subList(1, lines.size()))
                .allMatch(l -> l.matches("\\[[0-9]+\\.[0-9]{6}, \"(stdin|stdout|stderr)\", \"[A-Za-z0-9+/=]*\"\\]"));
        Map<ChannelStream, ByteArrayOutputStream> read = readStreams(played.toByteArray());
        assertThat(read.get(ChannelStream.STDIN).toByteArray()).isEqualTo(SCRIPT);
        assertThat(read.get(ChannelStream.STDERR).toByteArray()).isEqualTo(ERRORS);
        assertThat(read.get(ChannelStream.STDOUT).size()).isEqualTo(11 + BINARY.length);
    }

    private static Map<ChannelStream, ByteArrayOutputStream> readStreams(byte[] recording) {
        Map<ChannelStream, ByteArrayOutputStream> read = new EnumMap<>(ChannelStream.class);
        for (ChannelStream s : ChannelStream.values()) {
            read.put(s, new ByteArrayOutputStream());
        }
        new StreamsReader("exec-1", (micros, stream, data, offset, length) ->
                read.get(stream).write(data, offset, length)).chunk(recording);
        return read;
    }

    @Test
    void aTerminalSessionHasNoSeparateStreamsToExport() throws Exception {
        SessionRecording r = fixture.recorder().open(SessionStart.shell("pty-1", "alice", "root", "web-01", 80, 24));
        RecordingFixture.show(r, "$ ");
        r.end(SessionEnd.exited(0));
        fixture.awaitStored();
        assertThatThrownBy(() -> export.export("pty-1", SessionExport.Format.STDOUT, "auditor", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("terminal");
    }
}
