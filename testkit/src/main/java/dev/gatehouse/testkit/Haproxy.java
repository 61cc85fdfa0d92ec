package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real HAProxy ({@code /usr/sbin/haproxy}, Debian package {@code haproxy}) in TCP mode on a free 127.0.0.1 port,
 * forwarding every connection to one backend port with a server option such as {@code send-proxy-v2} or
 * {@code send-proxy}. {@link #close()} stops it.
 */
public final class Haproxy implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path directory;
    private final int port;

    private Haproxy(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** Starts HAProxy in front of {@code 127.0.0.1:backendPort}, passing {@code serverOptions} on its server line. */
    public static Haproxy inFrontOf(int backendPort, String serverOptions) {
        return start(port -> List.of(
                "defaults",
                "  mode tcp",
                "  timeout connect 10s",
                "  timeout client 120s",
                "  timeout server 120s",
                "frontend ssh",
                "  bind 127.0.0.1:" + port,
                "  default_backend gateway",
                "backend gateway",
                "  server gateway 127.0.0.1:" + backendPort + " " + serverOptions));
    }

    /**
     * Starts HAProxy balancing SSH over bastion nodes on {@code 127.0.0.1:backendPorts} as the root README's "Running
     * several nodes" configures it: round robin, a PROXY v2 header on every connection and health check, a node that
     * is down skipped (checked every second, a refused connection retried on another node).
     */
    public static Haproxy balancing(List<Integer> backendPorts) {
        return start(port -> {
            List<String> lines = new java.util.ArrayList<>(List.of(
                    "defaults",
                    "    mode tcp",
                    "    timeout connect 5s",
                    "    timeout client 1h",
                    "    timeout server 1h",
                    "frontend ssh",
                    "    bind 127.0.0.1:" + port,
                    "    default_backend bastions",
                    "backend bastions",
                    "    balance roundrobin",
                    "    option redispatch 1",
                    "    retries 2",
                    "    option tcp-check",
                    "    tcp-check expect rstring ^SSH-2\\.0-",
                    "    default-server check inter 1s fall 2 rise 1 send-proxy-v2"));
            for (int i = 0; i < backendPorts.size(); i++) {
                lines.add("    server bastion-" + (i + 1) + " 127.0.0.1:" + backendPorts.get(i));
            }
            return lines;
        });
    }

    private static Haproxy start(java.util.function.IntFunction<List<String>> configuration) {
        Path binary = Path.of("/usr/sbin/haproxy");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("HAProxy is not installed (Debian package haproxy; ./gatehouse test"
                    + " installs it)");
        }
        Path directory = TempFiles.directory("gatehouse-haproxy-");
        try {
            int port = freePort();
            Path config = Files.write(directory.resolve("haproxy.cfg"), configuration.apply(port));
            Process process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("haproxy.log").toFile()).start();
            Haproxy haproxy = new Haproxy(process, directory, port);
            haproxy.awaitListening();
            return haproxy;
        } catch (IOException e) {
            TempFiles.deleteRecursively(directory);
            throw new UncheckedIOException(e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** What HAProxy printed (for assertion messages). */
    public String log() {
        try {
            return Files.readString(directory.resolve("haproxy.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        String log = log();
        close();
        throw new IllegalStateException("HAProxy did not listen on " + port + ":\n" + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempFiles.deleteRecursively(directory);
    }
}
