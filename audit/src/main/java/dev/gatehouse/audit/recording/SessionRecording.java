package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;

/**
 * One session's recording. Every method copies what it needs and returns at once; none throws for storage trouble.
 * Calls for one session must come in the order things happened (one thread at a time, as MINA delivers them).
 */
public interface SessionRecording {

    /**
     * Bytes the program wrote to {@code stream} ({@link ChannelStream#STDOUT} or {@link ChannelStream#STDERR}; a pty's
     * output is stdout). Never dropped silently: while the recorder's queue is full the bytes wait in this recording's
     * backlog, and the caller holds its peer back until {@link #whenCaughtUp} runs what it was given.
     */
    void output(ChannelStream stream, byte[] data, int offset, int length);

    /** Bytes written to stdout (a terminal's output). */
    default void output(byte[] data, int offset, int length) {
        output(ChannelStream.STDOUT, data, offset, length);
    }

    /**
     * Bytes the user sent (stdin). On a terminal they are used to find command lines and stored only when input
     * recording is on (off by default: passwords); without a terminal they are always stored (a script fed to
     * {@code bash -s} is the evidence).
     */
    void input(byte[] data, int offset, int length);

    /**
     * Runs {@code resume} once this recording has caught up: at once while the recorder keeps up, else (on the
     * recorder's thread) once the bytes waiting in its backlog were taken. The relay opens an SSH window in it, so a
     * slow recorder holds the peer back through its window and no I/O thread waits. {@code resume} must not block.
     */
    default void whenCaughtUp(Runnable resume) {
        resume.run();
    }

    void resize(int cols, int rows);

    /** A command line the bastion knows for certain (exec, scp); shell commands are found from the terminal. */
    void command(String line);

    void sftp(SftpOperation operation);

    void flow(ForwardFlow flow);

    /** Any other event of this session; its sessionId is set to this session's. */
    void event(AuditEvent event);

    /**
     * A labelled place in the recording (asciicast marker) with the event that says what happened there: the
     * engineer's connection was lost, or came back. The recording stays one session; the marker shows the gap.
     */
    void marker(String label, AuditEvent event);

    /** Ends the recording; later calls are ignored. */
    void end(SessionEnd end);
}
