package dev.gatehouse.sshproxy.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.command.Command;

/** A command whose streams MINA hands in; subclasses run on a virtual thread each. */
abstract class BastionCommand implements Command {

    protected InputStream in;
    protected OutputStream out;
    protected OutputStream err;
    protected ExitCallback exit;

    @Override
    public final void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public final void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public final void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public final void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    /**
     * Prints a gateway message on stderr, ended by CR LF when a terminal is attached; {@code midSession} starts it on
     * a line of its own there, below whatever the target printed last.
     */
    protected final void tell(String message, boolean terminal, boolean midSession) {
        String line = (terminal && midSession ? "\r\n" : "") + "gatehouse: " + message + (terminal ? "\r\n" : "\n");
        try {
            err.write(line.getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException ignored) {
            // the client is gone: nothing left to tell
        }
    }

    /** Tells the user why, then ends with status 255. */
    protected final void refuse(String message, boolean terminal) {
        tell(message, terminal, false);
        exit.onExit(255, message);
    }
}
