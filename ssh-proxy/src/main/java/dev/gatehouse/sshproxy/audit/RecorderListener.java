package dev.gatehouse.sshproxy.audit;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditSink;
import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.audit.recording.ForwardFlow;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionKind;
import dev.gatehouse.audit.recording.SessionRecorder;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.audit.recording.SftpOperation;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.Detachment;
import dev.gatehouse.sshproxy.events.SessionInfo;
import dev.gatehouse.sshproxy.events.SftpEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion's events into the audit module: each activity becomes one recording of the {@link SessionRecorder}
 * (which never blocks); refusals and logins become audit events, handed to the {@link AuditSink} off the I/O threads
 * and in order, because a sink may write synchronously.
 */
public final class RecorderListener implements BastionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecorderListener.class);

    private final SessionRecorder recorder;
    private final AuditSink sink;
    private final ExecutorService sinkWriter = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final Map<String, SessionRecording> recordings = new ConcurrentHashMap<>();

    public RecorderListener(SessionRecorder recorder, AuditSink sink) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public boolean accepting() {
        return recorder.accepting();
    }

    @Override
    public String unavailable() {
        return recorder.unavailable();
    }

    @Override
    public void denied(SessionInfo session, Denial denial) {
        AuditEvent.Builder event = AuditEvent.builder("ssh." + denial.request().split(" ", 2)[0] + ".denied")
                .actor(denial.username())
                .sourceAddress(denial.source())
                .denied()
                .detail("request", denial.request())
                .detail("reason", denial.reason());
        if (session != null) {
            event.sessionId(session.sessionId()).target(session.targetName());
        }
        write(event.build());
    }

    @Override
    public void authenticated(String username, String source, String keyFingerprint) {
        AuditEvent.Builder event = AuditEvent.builder("ssh.auth").actor(username).sourceAddress(source);
        // No key: the person approved the login in the browser (the control plane records that approval).
        write(keyFingerprint == null ? event.detail("method", "approval").build()
                : event.detail("method", "publickey").detail("key", keyFingerprint).build());
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        write(AuditEvent.builder("ssh.login")
                .actor(session.username())
                .sourceAddress(session.source())
                .target(session.login() + "@" + session.targetName())
                .sessionId(session.sessionId())
                .detail("network", session.network())
                .build());
    }

    @Override
    public void activityStarted(Activity activity) {
        SessionInfo session = activity.session();
        SessionRecording recording = recorder.open(new SessionStart(activity.id(), session.username(), session.login(),
                session.targetName(), session.network(), session.source(), kind(activity.kind()), activity.term(),
                activity.columns(), activity.rows(), activity.startedAt(), activity.command()));
        // The exec command travels in SessionStart, which the recorder stores as the session's first command.
        recordings.put(activity.id(), recording);
    }

    @Override
    public void output(Activity activity, byte[] data, int offset, int length) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.output(data, offset, length);
        }
    }

    @Override
    public void errorOutput(Activity activity, byte[] data, int offset, int length) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.output(ChannelStream.STDERR, data, offset, length);
        }
    }

    @Override
    public void input(Activity activity, byte[] data, int offset, int length) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.input(data, offset, length);
        }
    }

    @Override
    public void whenRecorded(Activity activity, Runnable resume) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording == null) {
            resume.run();
        } else {
            recording.whenCaughtUp(resume);
        }
    }

    @Override
    public void resized(Activity activity, int columns, int rows) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.resize(columns, rows);
        }
    }

    @Override
    public void sftp(Activity activity, SftpEvent event) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.sftp(new SftpOperation(event.op(), event.path(), event.newPath(), event.bytes(), event.sha256(),
                    event.error() == null ? AuditEvent.SUCCESS : AuditEvent.FAILURE, event.error()));
        }
    }

    @Override
    public void flow(Activity activity, ForwardFlow flow) {
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.flow(flow);
        }
    }

    /**
     * An audit event ({@code ssh.detached}, {@code ssh.reattached}, {@code ssh.detach.expired}), and a marker where
     * it happened in the recording, which stays one recording across the gap.
     */
    @Override
    public void detachment(Activity activity, Detachment change) {
        SessionInfo session = activity.session();
        String type = switch (change.kind()) {
            case DETACHED -> "ssh.detached";
            case REATTACHED -> "ssh.reattached";
            case EXPIRED -> "ssh.detach.expired";
        };
        long seconds = change.duration().toSeconds();
        AuditEvent event = AuditEvent.builder(type)
                .actor(session.username())
                .sourceAddress(change.source())
                .target(session.login() + "@" + session.targetName())
                .sessionId(session.sessionId())
                .detail("recording", activity.id())
                .detail(change.kind() == Detachment.Kind.REATTACHED ? "awaySeconds" : "graceSeconds", seconds)
                .build();
        write(event);
        SessionRecording recording = recordings.get(activity.id());
        if (recording != null) {
            recording.marker(switch (change.kind()) {
                case DETACHED -> "gatehouse: connection lost from " + change.source() + "; kept for re-attach for "
                        + seconds + " s";
                case REATTACHED -> "gatehouse: re-attached from " + change.source() + " after " + seconds + " s";
                case EXPIRED -> "gatehouse: nobody re-attached within " + seconds + " s; the session is ended";
            }, event);
        }
    }

    @Override
    public void activityEnded(Activity activity, Integer exitStatus, String exitSignal, String reason) {
        SessionRecording recording = recordings.remove(activity.id());
        if (recording != null) {
            recording.end(new SessionEnd(exitStatus, exitSignal, reason, Instant.now()));
        }
    }

    @Override
    public void sessionEnded(SessionInfo session, String reason) {
        write(AuditEvent.builder("ssh.logout")
                .actor(session.username())
                .sourceAddress(session.source())
                .target(session.login() + "@" + session.targetName())
                .sessionId(session.sessionId())
                .detail("reason", reason)
                .build());
    }

    private void write(AuditEvent event) {
        sinkWriter.execute(() -> {
            try {
                sink.record(event);
            } catch (RuntimeException e) {
                LOG.error("audit event {} could not be stored", event.type(), e);
            }
        });
    }

    private static SessionKind kind(Activity.Kind kind) {
        return switch (kind) {
            case SHELL -> SessionKind.SHELL;
            case EXEC -> SessionKind.EXEC;
            case SFTP -> SessionKind.SFTP;
            case FORWARD -> SessionKind.FORWARD;
        };
    }

    /** Waits for queued audit events to be handed to the sink. */
    @Override
    public void close() {
        sinkWriter.close();
    }
}
