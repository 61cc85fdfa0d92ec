package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandExtractorTest {

    private final CommandExtractor x = new CommandExtractor();
    private long now;

    @Test
    void lineEditedWithBackspaceAndCursorMovesYieldsTheLineAsShown() {
        out("$ ");
        in("lss");
        out("lss");
        in("\u007f");
        out("\b\u001b[K");
        in(" -la\r");
        out(" -la\r\n");
        assertThat(lines()).containsExactly("ls -la");
    }

    @Test
    void tabCompletionIsSeenThroughTheEcho() {
        out("user@h:~$ ");
        in("cat /etc/hostn\t");
        out("cat /etc/hostn");
        out("ame ");
        in("\r");
        out("\r\nweb-01\r\n");
        assertThat(lines()).containsExactly("cat /etc/hostname");
    }

    @Test
    void oscPromptMarksDelimitTheCommandWithoutAnyKeystrokes() {
        out("\u001b]133;A\u0007prompt> \u001b]133;B\u0007");
        out("git status");
        out("\u001b]133;C\u0007\r\nOn branch main\r\n");
        assertThat(lines()).containsExactly("git status");
    }

    @Test
    void inputThatIsNotEchoedIsNeverACommand() {
        out("Password: ");
        in("s3cret\r");
        out("\r\n");
        assertThat(lines()).isEmpty();
    }

    @Test
    void controlCAbandonsTheLine() {
        out("$ ");
        in("rm -rf /");
        out("rm -rf /");
        in("\u0003");
        out("^C\r\n$ ");
        assertThat(lines()).isEmpty();
    }

    @Test
    void fullScreenProgramsAreIgnoredUntilTheyLeave() {
        out("$ ");
        in("vi f\r");
        out("vi f\r\n");
        out("\u001b[?1049h");
        in("ihello\r");
        out("hello\r\n");
        out("\u001b[?1049l$ ");
        assertThat(lines()).containsExactly("vi f");
    }

    @Test
    void aHugeLineIsCappedNotStoredWhole() {
        out("$ ");
        in("x");
        out("x".repeat(5_000_000));
        in("\r");
        out("\r\n");
        assertThat(lines()).singleElement().satisfies(l -> assertThat(l.length()).isLessThanOrEqualTo(16 * 1024));
    }

    private void out(String s) {
        x.output(s, ++now);
    }

    private void in(String s) {
        x.input(s.getBytes(StandardCharsets.UTF_8), ++now);
    }

    private java.util.List<String> lines() {
        return x.drain().stream().map(CommandExtractor.Found::line).toList();
    }
}
