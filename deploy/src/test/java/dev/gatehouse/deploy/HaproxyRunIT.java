package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose file's HAProxy configuration run for real, with its addresses moved to loopback: the SSH backend's
 * health check and every engineer's connection reach the node with a PROXY v2 header, a node that does not answer
 * with an SSH identification is taken out, and the node learns the engineer's own address.
 */
class HaproxyRunIT {

    @TempDir
    Path dir;

    private Process haproxy;

    @AfterEach
    void stop() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String replace(String text, String from, String to) {
        assertThat(text).as("the compose configuration has '" + from + "' once").containsOnlyOnce(from);
        return text.replace(from, to);
    }

    @Test
    void sshThroughHaproxyWhenOneNodeIsMuteThenTheOtherGetsTheEngineerWithHerAddress() throws Exception {
        try (FakeBastion answering = new FakeBastion(false); FakeBastion mute = new FakeBastion(true)) {
            int ssh = freePort();
            Path socket = dir.resolve("admin.sock");
            String config = DeployTree.read(DeployTree.deploy().resolve("compose/haproxy.cfg"));
            config = replace(config, "\nglobal\n", "\nglobal\n    stats socket " + socket + " mode 600 level admin\n");
            config = replace(config, "bind :2222", "bind 127.0.0.1:" + ssh);
            config = replace(config, "bind :4443", "bind 127.0.0.1:" + freePort());
            config = replace(config, "bind :8443", "bind 127.0.0.1:" + freePort());
            config = replace(config, "bind :4446", "bind 127.0.0.1:" + freePort());
            config = replace(config, "bastion-1:2222", "127.0.0.1:" + answering.port());
            config = replace(config, "bastion-2:2222", "127.0.0.1:" + mute.port());
            // Nothing listens for the tunnel, HTTPS and node-port backends: they are down, which this test does not look at.
            config = config.replaceAll("(bastion-[12]|control-plane-[12]):(4443|4446|8080)", "127.0.0.1:1");
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, config);
            haproxy = new ProcessBuilder(Tool.installed("haproxy", "Debian package haproxy").toString(), "-db", "-f",
                    file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();

            Map<String, String> status = awaitSshBackend(haproxy, socket, Duration.ofSeconds(60));
            assertThat(status).as(Files.readString(dir.resolve("haproxy.log")))
                    .containsEntry("bastion-1", "UP").containsEntry("bastion-2", "DOWN");

            for (int i = 0; i < 3; i++) {
                try (Socket engineer = new Socket()) {
                    engineer.bind(new InetSocketAddress("127.0.0.9", 0));
                    engineer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ssh));
                    BufferedReader banner = new BufferedReader(
                            new InputStreamReader(engineer.getInputStream(), StandardCharsets.US_ASCII));
                    assertThat(banner.readLine()).isEqualTo("SSH-2.0-FakeBastion");
                }
            }
            assertThat(answering.headers()).filteredOn(FakeBastion.Header::proxied)
                    .hasSize(3).allMatch(h -> h.source().equals("127.0.0.9"));
            assertThat(answering.refusals()).as("every connection, checks too, starts with the header").isEmpty();
            assertThat(mute.refusals()).isEmpty();
            assertThat(mute.headers()).as("checks only").isNotEmpty().noneMatch(FakeBastion.Header::proxied);
        }
    }

    /** The SSH backend's servers and their status, once both have been checked enough to be UP or DOWN. */
    private static Map<String, String> awaitSshBackend(Process haproxy, Path socket, Duration patience)
            throws Exception {
        Instant deadline = Instant.now().plus(patience);
        Map<String, String> status = Map.of();
        while (haproxy.isAlive() && Instant.now().isBefore(deadline)) {
            if (Files.exists(socket)) {
                status = sshBackendStatus(socket);
                if ("UP".equals(status.get("bastion-1")) && "DOWN".equals(status.get("bastion-2"))) {
                    return status;
                }
            }
            Thread.sleep(200);
        }
        return status;
    }

    private static Map<String, String> sshBackendStatus(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
            List<String> lines = new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.US_ASCII)
                    .lines().toList();
            List<String> columns = List.of(lines.getFirst().replaceFirst("^# ", "").split(",", -1));
            Map<String, String> status = new TreeMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(",", -1);
                if (fields.length == columns.size() && fields[0].equals("bastion-ssh") && fields[1].startsWith("bastion-")) {
                    status.put(fields[1], fields[columns.indexOf("status")]);
                }
            }
            return status;
        }
    }
}
