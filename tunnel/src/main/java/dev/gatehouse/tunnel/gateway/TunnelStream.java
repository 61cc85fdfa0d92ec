package dev.gatehouse.tunnel.gateway;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A two-way byte stream to a target inside an agent network, as blocking streams: this is what MINA SSHD's client
 * and the bastion's {@code DialedConnection} consume, with one copy per direction (the caller's array to and from
 * Netty buffers). It survives breaks of the agent link shorter than the resume grace period without the reader or
 * writer noticing.
 */
public interface TunnelStream extends Closeable {

    String network();

    /** {@code host:port} as the agent dialled it. */
    String target();

    /** The agent that carries the stream. */
    String agentId();

    /** Bytes from the target; end of stream when the target closed its side, an IOException if the stream broke. */
    InputStream input();

    /** Bytes to the target; blocks while the unacknowledged window is full. */
    OutputStream output();

    /**
     * Sends bytes to the target without blocking, for a caller on an I/O thread that has its own flow control. True
     * when the caller may send more at once; false when it should wait: {@code resume} then runs once, on another
     * thread, when the stream takes more. Fails when the stream has ended.
     */
    boolean offer(byte[] data, int offset, int length, Runnable resume) throws IOException;

    /** Half-close: the target reads end of stream, its answer still arrives on {@link #input()}. */
    void shutdownOutput();

    /**
     * Completes when both directions are done (null) or the stream was aborted (the reason). Actions added to it
     * run on the tunnel's event loop under the stream's lock: they must not block, nor wait for a lock whose holder
     * may use this stream (use an async variant with an executor for anything more).
     */
    CompletableFuture<String> ended();

    /** Finishes the output and stops reading; aborts the stream if the target does not finish soon. */
    @Override
    void close();
}
