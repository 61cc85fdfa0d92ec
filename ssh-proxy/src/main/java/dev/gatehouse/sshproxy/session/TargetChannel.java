package dev.gatehouse.sshproxy.session;

import dev.gatehouse.audit.recording.ChannelStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.PtyChannelConfigurationHolder;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * The gateway's shell or exec channel on the target. MINA's own client channels pass what arrives through piped
 * streams to a reading thread and open the window as that thread reads; this one hands each packet, on the I/O thread
 * that decrypted it, to its {@link TargetLeg}, which opens the window once the bytes are passed on.
 */
final class TargetChannel extends PtyCapableChannelSession {

    /** Where the target's data and EOF go, in the order they came. */
    interface Receiver {
        void data(ChannelStream stream, byte[] data, int offset, int length);

        void eof();
    }

    private final String command;
    private volatile Receiver receiver;

    /** {@code command} null for a shell. */
    TargetChannel(String command, PtyChannelConfigurationHolder pty, Map<String, ?> env) {
        super(false, pty, env);
        this.command = command;
        // No piped streams: data goes to the receiver.
        setOut(OutputStream.nullOutputStream());
        setErr(OutputStream.nullOutputStream());
    }

    void receiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    protected void doOpen() throws IOException {
        doOpenPty();
        byte[] line = command == null ? null : command.getBytes(StandardCharsets.UTF_8);
        Buffer request = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST,
                (line == null ? 0 : line.length) + 32);
        request.putUInt(getRecipient());
        request.putString(command == null ? "shell" : "exec");
        request.putBoolean(false);
        if (line != null) {
            request.putBytes(line);
        }
        writePacket(request);
        super.doOpen();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) {
        if (!isClosing()) {
            receiver.data(ChannelStream.STDOUT, data, off, (int) len);
        }
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) {
        if (!isClosing()) {
            receiver.data(ChannelStream.STDERR, data, off, (int) len);
        }
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        receiver.eof();
    }

    /** Sends EOF (the client's stdin ended). */
    void eof() throws IOException {
        sendEof();
    }

    /** Opens the window by {@code length} bytes passed on. */
    void consumed(int length) {
        try {
            getLocalWindow().release(length);
        } catch (IOException e) {
            getSession().exceptionCaught(e);
        }
    }
}
