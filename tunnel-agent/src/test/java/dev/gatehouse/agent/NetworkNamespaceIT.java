package dev.gatehouse.agent;

import static dev.gatehouse.agent.testbed.BoundedReads.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gatehouse.agent.testbed.AgentProcess;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real set-up: the agent (the shipped jar, as a separate process) and a TCP service live in a network namespace
 * the gateway has no route into; the agent joins and serves dials through its outbound tunnel. Needs root (for
 * {@code ip netns}); skipped with a message otherwise.
 */
class NetworkNamespaceIT {

    @TempDir
    Path dir;

    @Test
    void serviceOnlyInsideNamespaceThenReachableThroughAgentOnly() throws Exception {
        assumeThat(isRoot() && run("ip", "netns", "list") == 0)
                .as("NetworkNamespaceIT needs root and 'ip netns'; skipped (the loopback ITs cover the protocol)")
                .isTrue();
        int net = ThreadLocalRandom.current().nextInt(1, 250);
        String ns = "gh-tunnel-" + ProcessHandle.current().pid() + "-" + net;
        String hostIf = "ghg" + net + "x" + (ProcessHandle.current().pid() % 1000);
        String nsIf = "gha" + net + "x" + (ProcessHandle.current().pid() % 1000);
        String gatewayIp = "10.231." + net + ".1";
        String agentIp = "10.231." + net + ".2";
        String privateIp = "10.99." + net + ".10";
        String privateNet = "10.99." + net + ".0/24";
        List<Process> processes = new ArrayList<>();
        try (Testbed bed = new Testbed()) {
            must("ip", "netns", "add", ns);
            must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
            must("ip", "link", "set", nsIf, "netns", ns);
            must("ip", "addr", "add", gatewayIp + "/30", "dev", hostIf);
            must("ip", "link", "set", hostIf, "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", agentIp + "/30", "dev", nsIf);
            must("ip", "netns", "exec", ns, "ip", "link", "set", nsIf, "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", privateIp + "/32", "dev", "lo");
            // The gateway side must have no way in: a blackhole route keeps even the probe below on this machine
            // (without it the host's default route would send it out).
            must("ip", "route", "add", "blackhole", privateNet);
            processes.add(start(dir.resolve("service.log"), "ip", "netns", "exec", ns, "socat",
                    "TCP-LISTEN:7777,bind=" + privateIp + ",reuseaddr,fork", "EXEC:cat"));

            TunnelListener gateway = bed.gateway("node-ns", gatewayIp, null);
            int port = gateway.start().getPort();
            bed.enrollment.issueToken("ns-token", "private", Duration.ofMinutes(5));
            Path token = Files.writeString(dir.resolve("token"), "ns-token");
            Path ca = Files.writeString(dir.resolve("gateway-ca.pem"),
                    Pem.encode(bed.gatewayCa.certificate()));
            Path state = dir.resolve("state");
            Path config = Files.writeString(dir.resolve("agent.conf"),
                    "state-dir = " + state + "\nallow = " + privateIp + ":7777\nping-interval = 1s\nlink-timeout = 6s\n");

            assertThat(waitFor(start(dir.resolve("join.log"), agentCommand(ns, "join", "--gateway",
                    gatewayIp + ":" + port, "--network", "private", "--name", "inside", "--token-file",
                    token.toString(), "--gateway-ca", ca.toString(), "--state-dir", state.toString()))))
                    .as("join exit code; log: %s", read(dir.resolve("join.log"))).isZero();
            processes.add(start(dir.resolve("agent.log"), agentCommand(ns, "run", "--config", config.toString())));
            Testbed.await("the namespaced agent is connected", Duration.ofMinutes(2),
                    () -> gateway.healthyAgents("private").contains("inside"));

            assertThat(directlyReachable(privateIp, 7777)).as("the gateway host has no route to the service").isFalse();
            try (TunnelStream stream = gateway.open("private", privateIp, 7777).get(30, TimeUnit.SECONDS)) {
                stream.output().write("across namespaces".getBytes(StandardCharsets.US_ASCII));
                assertThat(readExactly(stream.input(), 17))
                        .isEqualTo("across namespaces");
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
            for (Process p : processes) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            run("ip", "route", "del", "blackhole", privateNet);
            run("ip", "link", "del", hostIf);
            run("ip", "netns", "del", ns);
        }
    }

    private static String[] agentCommand(String ns, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(AgentProcess.javaCommand());
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private static boolean directlyReachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Process start(Path log, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static void must(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
