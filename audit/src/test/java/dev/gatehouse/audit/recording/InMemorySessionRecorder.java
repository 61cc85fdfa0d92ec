package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test double for the bastion's tests: keeps every call in memory, synchronously, so a test can assert what a
 * session recorded. Not for production (unbounded, nothing durable).
 */
public final class InMemorySessionRecorder implements SessionRecorder {

    private final Map<String, Tape> tapes = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private volatile String reason;
    private volatile boolean behind;

    @Override
    public SessionRecording open(SessionStart start) {
        Tape tape = new Tape(start, this);
        tapes.put(start.sessionId(), tape);
        return tape;
    }

    @Override
    public boolean accepting() {
        return accepting;
    }

    @Override
    public String unavailable() {
        return accepting ? null : reason;
    }

    /** Lets a test simulate a full spool. */
    public void accepting(boolean value) {
        unavailable(value ? null : "recording is unavailable");
    }

    /** Lets a test simulate a recorder that cannot record, for {@code reason} (null: it can again). */
    public void unavailable(String reason) {
        this.reason = reason;
        this.accepting = reason == null;
    }

    /**
     * Lets a test simulate a recorder that is behind ({@code true}): each recording's {@link Tape#whenCaughtUp} actions
     * wait; {@code false} runs them.
     */
    public void behind(boolean value) {
        behind = value;
        if (!value) {
            tapes.values().forEach(Tape::caughtUp);
        }
    }

    public Optional<Tape> session(String sessionId) {
        return Optional.ofNullable(tapes.get(sessionId));
    }

    public List<Tape> sessions() {
        return List.copyOf(tapes.values());
    }

    /** What one session recorded. */
    public static final class Tape implements SessionRecording {
        private final SessionStart start;
        private final InMemorySessionRecorder recorder;
        private final List<Runnable> waiting = new ArrayList<>();
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final ByteArrayOutputStream input = new ByteArrayOutputStream();
        private final Map<ChannelStream, ByteArrayOutputStream> streams = new java.util.EnumMap<>(ChannelStream.class);
        private final List<int[]> resizes = new ArrayList<>();
        private final List<String> commands = new ArrayList<>();
        private final List<SftpOperation> sftp = new ArrayList<>();
        private final List<ForwardFlow> flows = new ArrayList<>();
        private final List<AuditEvent> events = new ArrayList<>();
        private final List<String> markers = new ArrayList<>();
        private SessionEnd end;

        Tape(SessionStart start, InMemorySessionRecorder recorder) {
            this.start = start;
            this.recorder = recorder;
            // Like the real recorder: an exec session's command is its first command.
            if (start.command() != null) {
                commands.add(start.command());
            }
        }

        public SessionStart start() {
            return start;
        }

        @Override
        public synchronized void output(ChannelStream stream, byte[] data, int offset, int length) {
            if (end == null) {
                output.write(data, offset, length);
                streams.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).write(data, offset, length);
            }
        }

        @Override
        public synchronized void input(byte[] data, int offset, int length) {
            if (end == null) {
                input.write(data, offset, length);
                streams.computeIfAbsent(ChannelStream.STDIN, s -> new ByteArrayOutputStream())
                        .write(data, offset, length);
            }
        }

        @Override
        public void whenCaughtUp(Runnable resume) {
            synchronized (this) {
                if (recorder.behind) {
                    waiting.add(resume);
                    return;
                }
            }
            resume.run();
        }

        private void caughtUp() {
            List<Runnable> run;
            synchronized (this) {
                run = List.copyOf(waiting);
                waiting.clear();
            }
            run.forEach(Runnable::run);
        }

        @Override
        public synchronized void resize(int cols, int rows) {
            if (end == null) {
                resizes.add(new int[] {cols, rows});
            }
        }

        @Override
        public synchronized void command(String line) {
            if (end == null) {
                commands.add(line);
            }
        }

        @Override
        public synchronized void sftp(SftpOperation operation) {
            if (end == null) {
                sftp.add(operation);
            }
        }

        @Override
        public synchronized void flow(ForwardFlow flow) {
            if (end == null) {
                flows.add(flow);
            }
        }

        @Override
        public synchronized void event(AuditEvent event) {
            if (end == null) {
                events.add(event);
            }
        }

        @Override
        public synchronized void marker(String label, AuditEvent event) {
            if (end == null) {
                markers.add(label);
                events.add(event);
            }
        }

        /** The labels of {@link #marker} calls, in order. */
        public synchronized List<String> markers() {
            return List.copyOf(markers);
        }

        @Override
        public synchronized void end(SessionEnd value) {
            if (end == null) {
                end = value;
            }
        }

        public synchronized byte[] output() {
            return output.toByteArray();
        }

        public synchronized String outputText() {
            return output.toString(StandardCharsets.UTF_8);
        }

        public synchronized byte[] input() {
            return input.toByteArray();
        }

        /** The bytes of one stream, in order (output() is stdout and stderr interleaved as they came). */
        public synchronized byte[] stream(ChannelStream stream) {
            ByteArrayOutputStream bytes = streams.get(stream);
            return bytes == null ? new byte[0] : bytes.toByteArray();
        }

        public synchronized List<int[]> resizes() {
            return List.copyOf(resizes);
        }

        public synchronized List<String> commands() {
            return List.copyOf(commands);
        }

        public synchronized List<SftpOperation> sftpOperations() {
            return List.copyOf(sftp);
        }

        public synchronized List<ForwardFlow> flows() {
            return List.copyOf(flows);
        }

        public synchronized List<AuditEvent> events() {
            return List.copyOf(events);
        }

        public synchronized Optional<SessionEnd> end() {
            return Optional.ofNullable(end);
        }
    }
}
