package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;

/**
 * One session's recording. Every method copies what it needs and returns at once; none throws for storage trouble.
 * Calls for one session must come in the order things happened (one thread at a time, as MINA delivers them).
 */
public interface SessionRecording {

    /** Bytes the user saw (pty output or exec stdout/stderr). */
    void output(byte[] data, int offset, int length);

    /**
     * Bytes the user typed. Used to find command lines; stored in the recording only when input recording is on
     * (off by default: it can contain passwords).
     */
    void input(byte[] data, int offset, int length);

    void resize(int cols, int rows);

    /** A command line the bastion knows for certain (exec, scp); shell commands are found from the terminal. */
    void command(String line);

    void sftp(SftpOperation operation);

    void flow(ForwardFlow flow);

    /** Any other event of this session; its sessionId is set to this session's. */
    void event(AuditEvent event);

    /** Ends the recording; later calls are ignored. */
    void end(SessionEnd end);
}
