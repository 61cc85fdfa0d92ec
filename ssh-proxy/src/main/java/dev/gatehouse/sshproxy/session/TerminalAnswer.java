package dev.gatehouse.sshproxy.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/** One short line typed on a raw-mode terminal: echoed as typed (the client's terminal does not), bounded. */
final class TerminalAnswer {

    private TerminalAnswer() {}

    /**
     * Reads up to the end of the line, keeping at most {@code max} bytes that {@code allowed} accepts (others are
     * dropped unseen); backspace erases, Ctrl-C or Ctrl-D gives an empty answer.
     */
    static String read(InputStream in, OutputStream out, int max, IntPredicate allowed) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\r' || b == '\n') {
                break;
            }
            if ((b == 0x7f || b == 0x08) && answer.size() > 0) {
                byte[] kept = answer.toByteArray();
                answer.reset();
                answer.write(kept, 0, kept.length - 1);
                echo(out, "\b \b");
            } else if (b == 0x03 || b == 0x04) {
                return "";
            } else if (allowed.test(b) && answer.size() < max) {
                answer.write(b);
                echo(out, String.valueOf((char) b));
            }
        }
        return answer.toString(StandardCharsets.US_ASCII);
    }

    private static void echo(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
