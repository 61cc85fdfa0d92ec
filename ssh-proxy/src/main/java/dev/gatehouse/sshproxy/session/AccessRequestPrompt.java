package dev.gatehouse.sshproxy.session;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The menu's "request access to a role": asks for the role, the minutes and the reason on the terminal, each answer
 * bounded in length and characters, and hands them to the control plane, which checks them as the API does.
 */
final class AccessRequestPrompt {

    static final int MAX_ROLE = 63;
    static final int MAX_MINUTES_DIGITS = 5;
    static final int MAX_REASON = 200;

    private final InputStream in;
    private final OutputStream out;
    private final String newline;

    AccessRequestPrompt(InputStream in, OutputStream out, String newline) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.newline = Objects.requireNonNull(newline, "newline");
    }

    /** Asks, sends, and says what came of it; true when the request was taken. */
    boolean run(AccessDecider decider, GatewayUser user) throws IOException {
        String role = ask("Role: ", MAX_ROLE,
                c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
        if (role.isEmpty()) {
            write("No role given; nothing requested." + newline);
            return false;
        }
        String minutes = ask("Minutes: ", MAX_MINUTES_DIGITS, c -> c >= '0' && c <= '9');
        String reason = ask("Reason: ", MAX_REASON, c -> c >= 0x20 && c < 0x7f);
        int asked = minutes.isEmpty() ? 0 : Integer.parseInt(minutes);
        Decision<String> decision = decider.requestAccess(user, role, asked, reason);
        if (decision instanceof Decision.Allowed<String> allowed) {
            write(allowed.value() + newline);
            return true;
        }
        write("Not requested: " + ((Decision.Denied<String>) decision).reason() + newline);
        return false;
    }

    private String ask(String prompt, int max, IntPredicate allowed) throws IOException {
        write(prompt);
        String answer = TerminalAnswer.read(in, out, max, allowed);
        write(newline);
        return answer.strip();
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
