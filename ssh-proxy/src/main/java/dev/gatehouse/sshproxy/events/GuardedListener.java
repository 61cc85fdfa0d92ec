package dev.gatehouse.sshproxy.events;

import dev.gatehouse.audit.recording.ForwardFlow;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
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
    public boolean accepting() {
        try {
            return delegate.accepting();
        } catch (RuntimeException e) {
            LOG.warn("session listener failed on accepting", e);
            return false;
        }
    }

    @Override
    public String unavailable() {
        try {
            return delegate.unavailable();
        } catch (RuntimeException e) {
            LOG.warn("session listener failed on unavailable", e);
            return "recording is unavailable";
        }
    }

    @Override
    public void denied(SessionInfo session, Denial denial) {
        call("denied", l -> l.denied(session, denial));
    }

    @Override
    public void authenticated(String username, String source, String keyFingerprint) {
        call("authenticated", l -> l.authenticated(username, source, keyFingerprint));
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        call("sessionStarted", l -> l.sessionStarted(session));
    }

    @Override
    public void activityStarted(Activity activity) {
        call("activityStarted", l -> l.activityStarted(activity));
    }

    @Override
    public void output(Activity activity, byte[] data, int offset, int length) {
        call("output", l -> l.output(activity, data, offset, length));
    }

    @Override
    public void errorOutput(Activity activity, byte[] data, int offset, int length) {
        call("errorOutput", l -> l.errorOutput(activity, data, offset, length));
    }

    @Override
    public void input(Activity activity, byte[] data, int offset, int length) {
        call("input", l -> l.input(activity, data, offset, length));
    }

    /** A listener that fails does not hold the channel: {@code resume} then runs at once (still only once). */
    @Override
    public void whenRecorded(Activity activity, Runnable resume) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                resume.run();
            }
        };
        try {
            delegate.whenRecorded(activity, once);
        } catch (RuntimeException e) {
            LOG.warn("session listener failed on whenRecorded", e);
            once.run();
        }
    }

    @Override
    public void resized(Activity activity, int columns, int rows) {
        call("resized", l -> l.resized(activity, columns, rows));
    }

    @Override
    public void sftp(Activity activity, SftpEvent event) {
        call("sftp", l -> l.sftp(activity, event));
    }

    @Override
    public void flow(Activity activity, ForwardFlow flow) {
        call("flow", l -> l.flow(activity, flow));
    }

    @Override
    public void detachment(Activity activity, Detachment change) {
        call("detachment", l -> l.detachment(activity, change));
    }

    @Override
    public void activityEnded(Activity activity, Integer exitStatus, String exitSignal, String reason) {
        call("activityEnded", l -> l.activityEnded(activity, exitStatus, exitSignal, reason));
    }

    @Override
    public void sessionEnded(SessionInfo session, String reason) {
        call("sessionEnded", l -> l.sessionEnded(session, reason));
    }
}
