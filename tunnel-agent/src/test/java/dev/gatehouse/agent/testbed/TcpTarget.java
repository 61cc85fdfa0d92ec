package dev.gatehouse.agent.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A private TCP service on 127.0.0.1 the tunnel dials: echo, or SHA-256 of everything received. */
public final class TcpTarget implements AutoCloseable {

    private interface Behaviour {
        void serve(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private TcpTarget(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    threads.execute(() -> {
                        try (socket) {
                            behaviour.serve(socket);
                        } catch (Exception ignored) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Sends back every byte it receives; closes its side after the client's end of stream. */
    public static TcpTarget echo() throws IOException {
        return new TcpTarget(socket -> {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        });
    }

    /** Reads to end of stream, then answers the hex SHA-256 of what it read and its length. */
    public static TcpTarget sha256() throws IOException {
        return new TcpTarget(socket -> {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                total += n;
            }
            OutputStream out = socket.getOutputStream();
            out.write((HexFormat.of().formatHex(digest.digest()) + " " + total + "\n").getBytes());
            out.flush();
            socket.shutdownOutput();
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
