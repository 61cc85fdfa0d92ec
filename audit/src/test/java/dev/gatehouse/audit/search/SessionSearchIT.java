package dev.gatehouse.audit.search;

import static dev.gatehouse.audit.recording.RecordingFixture.show;
import static dev.gatehouse.audit.recording.RecordingFixture.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.RecordingFixture;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionKind;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionSearchIT {

    @TempDir
    static Path dir;
    static RecordingFixture fixture;
    static SessionSearch search;

    @BeforeAll
    static void recordThreeSessions() throws Exception {
        fixture = RecordingFixture.start(dir, RecorderSettings.defaults("search"));
        search = new SessionSearch(fixture.dataSource());
        Instant t = Instant.parse("2026-03-01T09:00:00Z");

        SessionRecording a = fixture.recorder().open(new SessionStart("web-1", "alice", "root", "web-01", "direct",
                "10.1.1.1", SessionKind.SHELL, "xterm", 80, 24, t, null));
        show(a, "root@web-01:~# ");
        Thread.sleep(150);
        type(a, "systemctl restart ngi");
        show(a, "systemctl restart ngi");
        type(a, "\t\r");
        show(a, "nx \r\n");
        show(a, "root@web-01:~# ");
        a.end(SessionEnd.exited(0));

        SessionRecording b = fixture.recorder().open(new SessionStart("db-1", "bob", "postgres", "db-01", "direct",
                "10.1.1.2", SessionKind.SHELL, "xterm", 80, 24, t.plusSeconds(60), null));
        show(b, "psql (PostgreSQL) 17.2 ready\r\n");
        b.end(SessionEnd.exited(0));

        SessionRecording c = fixture.recorder().open(new SessionStart("db-2", "alice", "postgres", "db-01", "direct",
                "10.1.1.1", SessionKind.EXEC, null, 0, 0, t.plusSeconds(120), "pg_dump --all"));
        c.end(new SessionEnd(null, "KILL", "signal", t.plusSeconds(125)));
        fixture.awaitStored();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void searchingByACommandTypedInAShellFindsTheSessionAndTheCommandsOffset() {
        List<SessionSummary> found = search.search(SessionQuery.all().withText("nginx"));
        assertThat(found).singleElement().satisfies(s -> {
            assertThat(s.sessionId()).isEqualTo("web-1");
            assertThat(s.matches()).singleElement().satisfies(m -> {
                assertThat(m.line()).isEqualTo("systemctl restart nginx");
                assertThat(m.offsetMillis()).isGreaterThanOrEqualTo(100);
            });
        });
    }

    @Test
    void searchingByWordsOfTheOutputFindsTheSession() {
        assertThat(search.search(SessionQuery.all().withText("PostgreSQL")))
                .extracting(SessionSummary::sessionId).containsExactly("db-1");
    }

    @Test
    void execCommandsAreCommandsByDefinition() {
        assertThat(search.search(SessionQuery.all().withText("pg_dump")))
                .extracting(SessionSummary::sessionId).containsExactly("db-2");
        assertThat(search.commands("db-2")).extracting(CommandHit::line).containsExactly("pg_dump --all");
    }

    @Test
    void filtersByUserHostAndStatusCombine() {
        assertThat(search.search(SessionQuery.all().withUser("alice"))).extracting(SessionSummary::sessionId)
                .containsExactly("db-2", "web-1");
        assertThat(search.search(SessionQuery.all().withUser("alice").withHost("db-01")))
                .extracting(SessionSummary::sessionId).containsExactly("db-2");
        assertThat(search.search(SessionQuery.all().withStatus("running"))).isEmpty();
        assertThat(search.session("db-2")).hasValueSatisfying(s -> assertThat(s.exitSignal()).isEqualTo("KILL"));
    }

    @Test
    void keysetPagingWalksEverySessionOnceNewestFirst() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            List<SessionSummary> rows = search.search(SessionQuery.all().withPage(1, cursor));
            if (rows.isEmpty()) {
                break;
            }
            seen.add(rows.getFirst().sessionId());
            cursor = rows.getLast().cursor();
        }
        assertThat(seen).containsExactly("db-2", "db-1", "web-1");
    }

    @Test
    void aForgedCursorOrBadStatusIsRefusedWithTheReason() {
        assertThatThrownBy(() -> search.search(SessionQuery.all().withPage(5, "yesterday")))
                .hasMessageContaining("cursor");
        assertThatThrownBy(() -> SessionQuery.all().withStatus("deleted")).hasMessageContaining("status");
    }
}
