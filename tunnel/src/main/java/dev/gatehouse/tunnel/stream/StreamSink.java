package dev.gatehouse.tunnel.stream;

import io.netty.buffer.ByteBuf;

/** The local side of a {@link ResumableStream}: a target socket on the agent, the bastion's reader on the gateway. */
public interface StreamSink {

    /** Bytes from the peer, in order, exactly once (ownership passes here). */
    void deliver(ByteBuf data);

    /** End of a batch of deliveries. */
    void flush();

    /** The peer sent all its data (half-close). */
    void peerFinished();

    /** Stop (true) or resume (false) producing data: the unacknowledged buffer is full or the link is congested. */
    void sourcePaused(boolean paused);

    /** The stream is gone: {@code abortReason} is null after a clean finish of both directions. */
    void ended(String abortReason);
}
