package dev.gatehouse.audit.export;

import static dev.gatehouse.audit.recording.RecordingFixture.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.RecordingFixture;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionExportIT {

    @TempDir
    static Path dir;
    static RecordingFixture fixture;
    static SessionExport export;
    static AuditKey publicOnly;

    @BeforeAll
    static void record() throws Exception {
        fixture = RecordingFixture.start(dir, RecorderSettings.defaults("export").withChunking(128,
                Duration.ofSeconds(5)));
        export = new SessionExport(fixture.events(), fixture.blobs(), fixture.key(), fixture.events());
        publicOnly = AuditKey.verifierOnly(fixture.key().publicKey().getEncoded());
        SessionRecording r = fixture.recorder().open(SessionStart.shell("x-1", "alice", "root", "web-01", 80, 24));
        for (int i = 0; i < 12; i++) {
            show(r, "\u001b[1mrow " + i + "\u001b[0m\r\n");
            Thread.sleep(12);
        }
        r.end(SessionEnd.exited(3));
        fixture.awaitStored();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void eachExportFormatVerifiesOfflineAgainstItsSignedManifest() {
        for (SessionExport.Format f : java.util.List.of(SessionExport.Format.ASCIICAST, SessionExport.Format.TRANSCRIPT,
                SessionExport.Format.EVENTS)) {
            SessionExport.Exported e = export.export("x-1", f, "auditor-1", "10.9.9.9");
            assertThat(Manifest.verify(e.content(), e.manifest(), publicOnly)).as(f.name()).isEmpty();
        }
    }

    @Test
    void alteredExportIsCaughtAndTheAlteredChunkNamed() {
        SessionExport.Exported e = export.export("x-1", SessionExport.Format.ASCIICAST, "auditor-1", null);
        byte[] content = e.content().clone();
        content[content.length - 5] ^= 0x02;
        assertThat(Manifest.verify(content, e.manifest(), publicOnly))
                .anyMatch(p -> p.contains("differs from what the manifest signs"))
                .anyMatch(p -> p.matches("chunk \\d+ differs from the recorded chunk"));
        String forged = e.manifest().replace("auditor-1", "auditor-2");
        assertThat(Manifest.verify(e.content(), forged, publicOnly)).singleElement()
                .satisfies(p -> assertThat(p).contains("signature is invalid"));
    }

    @Test
    void transcriptIsPlainTextWithoutTerminalCodes() {
        String text = new String(export.export("x-1", SessionExport.Format.TRANSCRIPT, "a", null).content(),
                StandardCharsets.UTF_8);
        assertThat(text).contains("row 0\nrow 1\n").doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void eventsExportIsOneJsonObjectPerLineInChainOrder() {
        String lines = new String(export.export("x-1", SessionExport.Format.EVENTS, "a", null).content(),
                StandardCharsets.UTF_8);
        var first = CanonicalJson.readObject(lines.lines().findFirst().orElseThrow());
        assertThat(first).containsEntry("type", "session.started").containsEntry("sessionId", "x-1");
        assertThat(lines.lines()).anyMatch(l -> l.contains("\"session.ended\"") && l.contains("\"exitStatus\":3"));
    }

    @Test
    void everyViewAndExportIsItselfAnAuditEvent() throws Exception {
        ByteArrayOutputStream cast = new ByteArrayOutputStream();
        export.view("x-1", "auditor-7", "10.0.0.7").writeTo(cast);
        assertThat(cast.toString(StandardCharsets.UTF_8)).startsWith("{").contains("row 11");
        export.export("x-1", SessionExport.Format.TRANSCRIPT, "auditor-7", "10.0.0.7");
        var viewed = fixture.events().search(AuditEventQuery.builder().actor("auditor-7").build());
        assertThat(viewed).extracting(v -> v.event().type()).containsExactly("recording.viewed", "recording.exported");
        assertThat(viewed).allSatisfy(v -> assertThat(v.event().target()).isEqualTo("x-1"));
    }

    @Test
    void aViewStreamsChunkByChunkHoldingAtMostOneChunkAndIsByteExact() throws Exception {
        long[] read = {0};
        BlobStore counting = new BlobStore() {
            @Override
            public void put(String key, byte[] content) {
                fixture.blobs().put(key, content);
            }

            @Override
            public Optional<byte[]> get(String key) {
                Optional<byte[]> chunk = fixture.blobs().get(key);
                chunk.ifPresent(b -> read[0] += b.length);
                return chunk;
            }

            @Override
            public List<String> list(String prefix) {
                return fixture.blobs().list(prefix);
            }

            @Override
            public void delete(String key) {
                fixture.blobs().delete(key);
            }
        };
        List<String> keys = fixture.blobs().list("sessions/x-1/");
        int largestChunk = keys.stream().mapToInt(k -> fixture.blobs().get(k).orElseThrow().length).max().orElseThrow();
        assertThat(keys).as("a recording of several chunks").hasSizeGreaterThan(3);
        long[] peakHeld = {0};
        ByteArrayOutputStream received = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                // What the player has read from the store but not yet handed on is what it holds in memory.
                peakHeld[0] = Math.max(peakHeld[0], read[0] - size());
                super.write(b, off, len);
            }
        };
        SessionExport.Playback playback = new SessionExport(fixture.events(), counting, fixture.key(), fixture.events())
                .view("x-1", "auditor-8", null);
        playback.writeTo(received);
        assertThat(received.toByteArray()).isEqualTo(fixture.cast("x-1").getBytes(StandardCharsets.UTF_8));
        assertThat(playback.bytes()).isEqualTo(received.size());
        assertThat(peakHeld[0]).as("bytes held at once, of %d", received.size()).isLessThanOrEqualTo(largestChunk);
        assertThat(fixture.events().search(AuditEventQuery.builder().actor("auditor-8").build()))
                .as("one view, logged once").singleElement()
                .satisfies(v -> assertThat(v.event().type()).isEqualTo("recording.viewed"));
    }

    @Test
    void exportOfAnUnknownSessionSaysSo() {
        assertThatThrownBy(() -> export.export("nope", SessionExport.Format.EVENTS, "a", null))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("nope");
    }
}
