package dev.gatehouse.sshproxy.dial;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/** Dials plain TCP from the bastion itself: the {@code direct} network. Refuses every other network. */
public final class DirectDialer implements TargetDialer {

    @Override
    public DialedConnection dial(String network, HostAndPort address, Duration timeout) throws IOException {
        if (!Target.DIRECT_NETWORK.equals(network)) {
            throw new IOException("network '" + network + "' is not reachable from this gateway");
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) timeout.toMillis());
            return new SocketConnection(socket);
        } catch (UnknownHostException e) {
            socket.close();
            throw new IOException(address.host() + ": unknown host", e);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new IOException(address + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            socket.close();
            throw new IOException(address + ": connection refused", e);
        } catch (IOException e) {
            socket.close();
            throw new IOException(address + ": " + e.getMessage(), e);
        }
    }

    /** A connected socket as a {@link DialedConnection}; also used for the bastion's own loopback hops. */
    public record SocketConnection(Socket socket) implements DialedConnection {
        @Override
        public InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public void shutdownOutput() throws IOException {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
