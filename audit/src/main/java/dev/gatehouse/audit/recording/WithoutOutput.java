package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;
import java.util.Objects;

/**
 * A recorder that keeps everything but the bytes of the terminal (a distribution's "output off" setting, e.g. the
 * control plane's {@code gatehouse.recording.output=false}): sessions, commands, file operations and flows are still
 * recorded and chained.
 */
public final class WithoutOutput implements SessionRecorder {

    private final SessionRecorder delegate;

    public WithoutOutput(SessionRecorder delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public SessionRecording open(SessionStart start) {
        SessionRecording recording = delegate.open(start);
        return new SessionRecording() {
            @Override
            public void output(ChannelStream stream, byte[] data, int offset, int length) {
            }

            @Override
            public void input(byte[] data, int offset, int length) {
            }

            @Override
            public void resize(int cols, int rows) {
                recording.resize(cols, rows);
            }

            @Override
            public void command(String line) {
                recording.command(line);
            }

            @Override
            public void sftp(SftpOperation operation) {
                recording.sftp(operation);
            }

            @Override
            public void flow(ForwardFlow flow) {
                recording.flow(flow);
            }

            @Override
            public void event(AuditEvent event) {
                recording.event(event);
            }

            @Override
            public void marker(String label, AuditEvent event) {
                recording.marker(label, event);
            }

            @Override
            public void end(SessionEnd end) {
                recording.end(end);
            }
        };
    }

    @Override
    public boolean accepting() {
        return delegate.accepting();
    }

    @Override
    public String unavailable() {
        return delegate.unavailable();
    }
}
