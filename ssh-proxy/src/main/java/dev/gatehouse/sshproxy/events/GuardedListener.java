package dev.gatehouse.sshproxy.events;

import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shields the data path from a failing listener: a listener's exception is logged, never propagated. */
public final class GuardedListener implements BastionListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

    private final BastionListener delegate;

    public GuardedListener(BastionListener delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    private void call(String event, Consumer<BastionListener> call) {
        try {
            call.accept(delegate);
        } catch (RuntimeException e) {
            LOG.warn("session listener failed on {}", event, e);
        }
    }

    @Override
    public void denied(SessionInfo session, Denial denial) {
        call("denied", l -> l.denied(session, denial));
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        call("sessionStarted", l -> l.sessionStarted(session));
    }

    @Override
    public void commandStarted(SessionInfo session, String command) {
        call("commandStarted", l -> l.commandStarted(session, command));
    }

    @Override
    public void shellStarted(SessionInfo session, String term, int columns, int rows) {
        call("shellStarted", l -> l.shellStarted(session, term, columns, rows));
    }

    @Override
    public void output(SessionInfo session, byte[] data, int offset, int length) {
        call("output", l -> l.output(session, data, offset, length));
    }

    @Override
    public void resized(SessionInfo session, int columns, int rows) {
        call("resized", l -> l.resized(session, columns, rows));
    }

    @Override
    public void commandEnded(SessionInfo session, Integer exitStatus, String exitSignal) {
        call("commandEnded", l -> l.commandEnded(session, exitStatus, exitSignal));
    }

    @Override
    public void flow(SessionInfo session, FlowRecord flow) {
        call("flow", l -> l.flow(session, flow));
    }

    @Override
    public void sessionEnded(SessionInfo session, String reason) {
        call("sessionEnded", l -> l.sessionEnded(session, reason));
    }
}
