package dev.gatehouse.controlplane.tunnels;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.dial.DialedConnection;
import dev.gatehouse.sshproxy.dial.NonBlockingOutput;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Dials a target in an agent network as a stream through the tunnel listener (a healthy agent of that network). */
final class TunnelDialer implements TargetDialer {

    private final Supplier<TunnelListener> listener;

    /** {@code listener} gives the running listener, or throws IllegalStateException saying why there is none. */
    TunnelDialer(Supplier<TunnelListener> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public DialedConnection dial(String network, HostAndPort address, Duration timeout) throws IOException {
        CompletableFuture<TunnelStream> opening;
        try {
            opening = listener.get().open(network, address.host(), address.port());
        } catch (IllegalStateException e) {
            throw new IOException(address + " in network '" + network + "': " + e.getMessage(), e);
        }
        TunnelStream stream;
        try {
            stream = opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The agent may still answer: close that late stream rather than leak it.
            opening.thenAccept(TunnelStream::close);
            throw new IOException(address + " in network '" + network + "': no answer through the tunnel within "
                    + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException(cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.thenAccept(TunnelStream::close);
            throw new InterruptedIOException("dial of " + address + " in network '" + network + "' interrupted");
        }
        return new StreamConnection(stream);
    }

    private record StreamConnection(TunnelStream stream) implements DialedConnection {
        @Override
        public InputStream input() {
            return stream.input();
        }

        @Override
        public OutputStream output() {
            return stream.output();
        }

        @Override
        public void shutdownOutput() {
            stream.shutdownOutput();
        }

        @Override
        public Optional<NonBlockingOutput> nonBlockingOutput() {
            return Optional.of(stream::offer);
        }

        @Override
        public void close() {
            stream.close();
        }
    }
}
