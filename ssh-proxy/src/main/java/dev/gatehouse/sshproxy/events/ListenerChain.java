package dev.gatehouse.sshproxy.events;

import dev.gatehouse.audit.recording.ForwardFlow;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Several listeners as one (audit and metrics, say), called in order; accepting only when all accept. */
public final class ListenerChain implements BastionListener {

    private final List<BastionListener> listeners;

    public ListenerChain(List<BastionListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<BastionListener> call) {
        listeners.forEach(call);
    }

    @Override
    public boolean accepting() {
        return listeners.stream().allMatch(BastionListener::accepting);
    }

    @Override
    public String unavailable() {
        for (BastionListener listener : listeners) {
            String reason = listener.unavailable();
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    @Override
    public void denied(SessionInfo session, Denial denial) {
        each(l -> l.denied(session, denial));
    }

    @Override
    public void authenticated(String username, String source, String keyFingerprint) {
        each(l -> l.authenticated(username, source, keyFingerprint));
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        each(l -> l.sessionStarted(session));
    }

    @Override
    public void activityStarted(Activity activity) {
        each(l -> l.activityStarted(activity));
    }

    @Override
    public void output(Activity activity, byte[] data, int offset, int length) {
        each(l -> l.output(activity, data, offset, length));
    }

    @Override
    public void errorOutput(Activity activity, byte[] data, int offset, int length) {
        each(l -> l.errorOutput(activity, data, offset, length));
    }

    @Override
    public void input(Activity activity, byte[] data, int offset, int length) {
        each(l -> l.input(activity, data, offset, length));
    }

    /** {@code resume} runs once every listener let it. */
    @Override
    public void whenRecorded(Activity activity, Runnable resume) {
        if (listeners.isEmpty()) {
            resume.run();
            return;
        }
        AtomicInteger left = new AtomicInteger(listeners.size());
        Runnable one = () -> {
            if (left.decrementAndGet() == 0) {
                resume.run();
            }
        };
        each(l -> l.whenRecorded(activity, one));
    }

    @Override
    public void resized(Activity activity, int columns, int rows) {
        each(l -> l.resized(activity, columns, rows));
    }

    @Override
    public void sftp(Activity activity, SftpEvent event) {
        each(l -> l.sftp(activity, event));
    }

    @Override
    public void flow(Activity activity, ForwardFlow flow) {
        each(l -> l.flow(activity, flow));
    }

    @Override
    public void detachment(Activity activity, Detachment change) {
        each(l -> l.detachment(activity, change));
    }

    @Override
    public void activityEnded(Activity activity, Integer exitStatus, String exitSignal, String reason) {
        each(l -> l.activityEnded(activity, exitStatus, exitSignal, reason));
    }

    @Override
    public void sessionEnded(SessionInfo session, String reason) {
        each(l -> l.sessionEnded(session, reason));
    }
}
