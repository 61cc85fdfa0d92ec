package dev.gatehouse.sshproxy.dial;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * Gives a dialled stream (an agent network's tunnel stream) a loopback port, so that MINA's SSH client, which only
 * connects to socket addresses, can log in through it. Accepts exactly one connection, then stops listening.
 */
public final class LoopbackBridge implements Closeable {

    private final ServerSocket listener;
    private final DialedConnection far;
    private volatile String failure;

    private LoopbackBridge(ServerSocket listener, DialedConnection far) {
        this.listener = listener;
        this.far = far;
    }

    /** Listens on a free loopback port and relays its first connection to {@code far}. */
    public static LoopbackBridge open(DialedConnection far, Duration acceptTimeout) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setSoTimeout((int) acceptTimeout.toMillis());
        LoopbackBridge bridge = new LoopbackBridge(listener, far);
        Thread.ofVirtual().name("bridge-" + listener.getLocalPort()).start(bridge::acceptOne);
        return bridge;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Why reading the dialled stream failed (for example "agent ... was revoked"), or null while it has not. */
    public String failure() {
        return failure;
    }

    private void acceptOne() {
        try (ServerSocket closing = listener) {
            Socket near = closing.accept();
            near.setTcpNoDelay(true);
            InputStream fromNear = near.getInputStream();
            OutputStream toFar = far.output();
            Thread.ofVirtual().start(() -> pump(fromNear, toFar, true));
            pump(far.input(), near.getOutputStream(), false);
            near.close();
        } catch (IOException e) {
            closeFar();
        }
    }

    private void pump(InputStream from, OutputStream to, boolean towardsFar) {
        byte[] buffer = new byte[32 * 1024];
        try {
            int n;
            while ((n = read(from, buffer, towardsFar)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
            if (towardsFar) {
                far.shutdownOutput();
            }
        } catch (IOException e) {
            closeFar();
        }
    }

    private int read(InputStream from, byte[] buffer, boolean near) throws IOException {
        try {
            return from.read(buffer);
        } catch (IOException e) {
            if (!near) {
                failure = e.getMessage();
            }
            throw e;
        }
    }

    private void closeFar() {
        try {
            far.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        far.close();
    }
}
