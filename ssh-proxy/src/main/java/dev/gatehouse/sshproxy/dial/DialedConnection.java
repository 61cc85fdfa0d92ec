package dev.gatehouse.sshproxy.dial;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/** A connected, two-way byte stream. */
public interface DialedConnection extends Closeable {

    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Signals end of data towards the destination while still reading its answer. */
    void shutdownOutput() throws IOException;

    /** The output as a {@link NonBlockingOutput} where the destination offers one; empty for plain sockets. */
    default Optional<NonBlockingOutput> nonBlockingOutput() {
        return Optional.empty();
    }
}
