package dev.gatehouse.audit.export;

import static dev.gatehouse.audit.recording.RecordingFixture.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.RecordingFixture;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.NoSuchElementException;
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
    void everyViewAndExportIsItselfAnAuditEvent() {
        byte[] cast = export.view("x-1", "auditor-7", "10.0.0.7");
        assertThat(new String(cast, StandardCharsets.UTF_8)).startsWith("{").contains("row 11");
        export.export("x-1", SessionExport.Format.TRANSCRIPT, "auditor-7", "10.0.0.7");
        var viewed = fixture.events().search(AuditEventQuery.builder().actor("auditor-7").build());
        assertThat(viewed).extracting(v -> v.event().type()).containsExactly("recording.viewed", "recording.exported");
        assertThat(viewed).allSatisfy(v -> assertThat(v.event().target()).isEqualTo("x-1"));
    }

    @Test
    void exportOfAnUnknownSessionSaysSo() {
        assertThatThrownBy(() -> export.export("nope", SessionExport.Format.EVENTS, "a", null))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("nope");
    }
}
