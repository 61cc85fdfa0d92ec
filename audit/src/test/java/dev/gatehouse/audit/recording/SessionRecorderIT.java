package dev.gatehouse.audit.recording;

import static dev.gatehouse.audit.recording.RecordingFixture.show;
import static dev.gatehouse.audit.recording.RecordingFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.StoredAuditEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionRecorderIT {

    @TempDir
    static Path dir;
    static RecordingFixture pipeline;

    @BeforeAll
    static void start() {
        pipeline = RecordingFixture.start(dir, RecorderSettings.defaults("node-1"));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void shellSessionIsStoredAsAsciicastWithItsCommandsAndEnd() throws Exception {
        SessionRecording r = pipeline.recorder().open(SessionStart.shell("s-1", "alice", "root", "web-01", 100, 30));
        show(r, "alice@web-01:~$ ");
        type(r, "ec");
        show(r, "ec");
        type(r, "ho hi\r");
        show(r, "ho hi\r\nhi\r\n");
        show(r, "alice@web-01:~$ ");
        r.resize(120, 40);
        r.end(SessionEnd.exited(0));
        pipeline.awaitStored();

        String cast = pipeline.cast("s-1");
        String[] lines = cast.split("\n");
        assertThat(lines[0]).contains("\"version\":2", "\"width\":100", "\"height\":30", "xterm-256color");
        assertThat(cast).contains("alice@web-01:~$ echo hi\\r\\nhi\\r\\n").contains("\"r\", \"120x40\"");
        assertThat(cast).doesNotContain("\"i\",");

        try (Connection c = pipeline.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, exit_status, username, host FROM audit_sessions"
                        + " WHERE session_id = 's-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ended");
            assertThat(rs.getInt(2)).isZero();
            assertThat(rs.getString(3)).isEqualTo("alice");
        }
        List<StoredAuditEvent> events = pipeline.events().search(AuditEventQuery.builder().sessionId("s-1").build());
        assertThat(events).extracting(e -> e.event().type()).startsWith("session.started")
                .contains("session.command", "session.resized", "recording.chunk", "recording.checkpoint")
                .contains("session.ended");
        assertThat(events).filteredOn(e -> e.event().type().equals("session.command"))
                .extracting(e -> e.event().details().get("line")).containsExactly("echo hi");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sessionSeq()).isEqualTo(i + 1L);
        }
    }

    @Test
    void passwordTypedWithEchoOffIsNeverStored() throws Exception {
        SessionRecording r = pipeline.recorder().open(SessionStart.shell("s-2", "bob", "root", "db-01", 80, 24));
        show(r, "$ ");
        type(r, "sudo -i\r");
        show(r, "sudo -i\r\n[sudo] password for bob: ");
        type(r, "hunter2\r");
        show(r, "\r\n# ");
        r.end(SessionEnd.exited(0));
        pipeline.awaitStored();
        List<StoredAuditEvent> events = pipeline.events().search(AuditEventQuery.builder().sessionId("s-2").build());
        assertThat(events).filteredOn(e -> e.event().type().equals("session.command"))
                .extracting(e -> e.event().details().get("line")).containsExactly("sudo -i");
        assertThat(events.toString()).doesNotContain("hunter2");
        assertThat(pipeline.cast("s-2")).doesNotContain("hunter2");
    }

    @Test
    void rawBinaryOutputWithNulBytesAndInvalidUtf8IsRecordedAndTheSessionStillEnds() throws Exception {
        SessionRecording r = pipeline.recorder().open(new SessionStart("s-bin", "eve\0", "root", "web-01", "direct",
                null, SessionKind.EXEC, null, 0, 0, java.time.Instant.now(), "cat /bin/ls\0"));
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        r.output(binary, 0, binary.length);
        show(r, "after the binary\n");
        r.end(SessionEnd.exited(0));
        pipeline.awaitStored();
        // Without a terminal the streams are kept as raw bytes, NUL and invalid UTF-8 included.
        assertThat(pipeline.cast("s-bin")).contains("after the binary\n");
        assertThat(pipeline.events().search(AuditEventQuery.builder().sessionId("s-bin").type("session.ended")
                .build())).hasSize(1);
    }
}
