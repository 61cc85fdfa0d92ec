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

    /** Prints a gateway message on stderr (with CR LF when a terminal is attached) and ends with status 255. */
    protected final void refuse(String message, boolean terminal) {
        try {
            err.write(("gatehouse: " + message + (terminal ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException ignored) {
            // the client is gone: nothing left to tell
        }
        exit.onExit(255, message);
    }
}
