package dev.gatehouse.deploy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a bastion's SSH port behind HAProxy: it reads the PROXY protocol v2 header every connection must start
 * with, records what it said, and answers with an SSH identification line (or, when {@code silent}, says nothing, as
 * a hung node would).
 */
final class FakeBastion implements AutoCloseable {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** One PROXY v2 header: {@code proxied} false for LOCAL (HAProxy's own health checks), else the client's address. */
    record Header(boolean proxied, String source) {}

    private final ServerSocket server;
    private final boolean silent;
    private final List<Header> headers = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    FakeBastion(boolean silent) throws IOException {
        this.silent = silent;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Header> headers() {
        return headers;
    }

    /** Connections that did not start with a PROXY v2 header. */
    List<String> refusals() {
        return refusals;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] signature = new byte[SIGNATURE.length];
            in.readFully(signature);
            if (!Arrays.equals(signature, SIGNATURE)) {
                refusals.add("no PROXY v2 signature from " + socket.getRemoteSocketAddress());
                return;
            }
            int versionCommand = in.readUnsignedByte();
            int family = in.readUnsignedByte();
            byte[] addresses = new byte[in.readUnsignedShort()];
            in.readFully(addresses);
            boolean proxied = (versionCommand & 0x0F) == 1;
            String source = proxied && family == 0x11
                    ? InetAddress.getByAddress(Arrays.copyOfRange(addresses, 0, 4)).getHostAddress() : "";
            headers.add(new Header(proxied, source));
            if (!silent) {
                OutputStream out = socket.getOutputStream();
                out.write("SSH-2.0-FakeBastion\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ended) {
            // the peer went away: HAProxy's checks close right after the banner
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
