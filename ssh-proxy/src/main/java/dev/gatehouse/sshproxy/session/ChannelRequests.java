package dev.gatehouse.sshproxy.session;

import java.io.IOException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.util.buffer.Buffer;

/** Channel requests MINA has no method for: {@code signal} towards a target, {@code exit-signal} towards a client. */
final class ChannelRequests {

    private ChannelRequests() {
    }

    static void signal(AbstractChannel channel, String signal) throws IOException {
        Buffer buffer = request(channel, "signal", signal.length() + 16);
        buffer.putString(signal);
        channel.writePacket(buffer);
    }

    static void exitSignal(AbstractChannel channel, String signal) throws IOException {
        Buffer buffer = request(channel, "exit-signal", signal.length() + 32);
        buffer.putString(signal);
        buffer.putBoolean(false);
        buffer.putString("");
        buffer.putString("");
        channel.writePacket(buffer);
    }

    private static Buffer request(AbstractChannel channel, String type, int extra) {
        Buffer buffer = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, type.length() + extra);
        buffer.putUInt(channel.getRecipient());
        buffer.putString(type);
        buffer.putBoolean(false);
        return buffer;
    }
}
