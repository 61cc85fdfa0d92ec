package dev.gatehouse.sshproxy.dial;

import java.io.IOException;

/**
 * A destination that takes bytes without blocking and says when the sender should wait (a tunnel stream). A relay on
 * an SSH I/O thread hands data over directly and holds the client's window back while told to wait, instead of
 * queueing the data for a thread that blocks on a stream.
 */
@FunctionalInterface
public interface NonBlockingOutput {

    /**
     * Takes {@code length} bytes (copied before this returns). True when more may follow at once; false when the
     * sender should wait: {@code resume} then runs once, on another thread, when the destination takes more.
     */
    boolean offer(byte[] data, int offset, int length, Runnable resume) throws IOException;
}
