package dev.gatehouse.agent.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP relay between agent and gateway that the test can cut: both directions reset at once (RST, no FIN). */
public final class CuttableRelay implements AutoCloseable {

    private final ServerSocket server;
    private volatile int upstreamPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean frozen;

    public CuttableRelay(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket down = server.accept();
                Socket up = new Socket();
                try {
                    up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
                } catch (IOException e) {
                    down.close();
                    continue;
                }
                down.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
                open.add(down);
                open.add(up);
                accepted.incrementAndGet();
                threads.execute(() -> pump(down, up));
                threads.execute(() -> pump(up, down));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                while (frozen && !to.isClosed()) {
                    Thread.sleep(20);
                }
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            reset(from);
            reset(to);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops forwarding while keeping every connection open: a peer that vanished without FIN or RST. */
    public void freeze() {
        frozen = true;
    }

    /** Points the relay at the gateway once the gateway's port is known. */
    public void upstream(int port) {
        this.upstreamPort = port;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (each reconnect of the agent is one). */
    public int accepted() {
        return accepted.get();
    }

    /** Resets every connection through the relay, in both directions. */
    public void cut() {
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
        threads.shutdownNow();
    }
}
