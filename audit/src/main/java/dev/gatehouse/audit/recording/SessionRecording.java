package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;

/**
 * One session's recording. Every method copies what it needs and returns at once; none throws for storage trouble.
 * Calls for one session must come in the order things happened (one thread at a time, as MINA delivers them).
 */
public interface SessionRecording {

    /**
     * Bytes the program wrote to {@code stream} ({@link ChannelStream#STDOUT} or {@link ChannelStream#STDERR}; a pty's
     * output is stdout). May wait while the recorder's queue is full: output is never dropped silently.
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
