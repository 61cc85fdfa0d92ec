package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network for tests (root only): a network namespace joined to this host by a veth pair, holding a
 * "private" address on its loopback that this host cannot route to (a blackhole route keeps even a probe local).
 * Processes started through it are killed, and the namespace, link and route removed, on {@link #close()}.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String hostInterface;
    private final String hostAddress;
    private final String privateAddress;
    private final String privateNetwork;
    private final List<Process> processes = new ArrayList<>();

    private NetworkNamespace(String name, String hostInterface, String hostAddress, String privateAddress,
            String privateNetwork) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.hostAddress = hostAddress;
        this.privateAddress = privateAddress;
        this.privateNetwork = privateNetwork;
    }

    /** True when this process may create namespaces (root, with {@code ip netns}). */
    public static boolean available() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            return ExternalCommand.run(List.of("ip", "netns", "list"), new byte[0], COMMAND_TIMEOUT).succeeded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Creates a namespace with a random /30 to this host (10.233.n.0) and private address 10.97.n.10. Its name and
     * links start with {@code GATEHOUSE_TEST_NETNS_PREFIX} (up to 5 lower-case letters; default {@code gh}), so runs
     * sharing a machine can tell theirs apart.
     */
    public static NetworkNamespace create() {
        String prefix = System.getenv().getOrDefault("GATEHOUSE_TEST_NETNS_PREFIX", "gh");
        if (!prefix.matches("[a-z]{1,5}")) {
            throw new IllegalArgumentException("GATEHOUSE_TEST_NETNS_PREFIX must be 1 to 5 lower-case letters (a link"
                    + " name holds 15 characters), not '" + prefix + "'");
        }
        int net = ThreadLocalRandom.current().nextInt(1, 250);
        long pid = ProcessHandle.current().pid() % 1000;
        String ns = prefix + "-ns-" + pid + "-" + net;
        String hostIf = prefix + "h" + net + "x" + pid;
        String nsIf = prefix + "n" + net + "x" + pid;
        NetworkNamespace namespace = new NetworkNamespace(ns, hostIf, "10.233." + net + ".1", "10.97." + net + ".10",
                "10.97." + net + ".0/24");
        try {
            must("ip", "netns", "add", ns);
            must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
            must("ip", "link", "set", nsIf, "netns", ns);
            must("ip", "addr", "add", namespace.hostAddress + "/30", "dev", hostIf);
            must("ip", "link", "set", hostIf, "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", "10.233." + net + ".2/30", "dev", nsIf);
            must("ip", "netns", "exec", ns, "ip", "link", "set", nsIf, "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", namespace.privateAddress + "/32", "dev", "lo");
            must("ip", "route", "add", "blackhole", namespace.privateNetwork);
            return namespace;
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
    }

    /** This host's end of the veth pair: what processes inside the namespace dial to reach this host. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The namespace's end of the veth pair: an address inside the namespace that this host does reach. */
    public String namespaceAddress() {
        return hostAddress.substring(0, hostAddress.lastIndexOf('.')) + ".2";
    }

    /** An address inside the namespace that this host has no route to. */
    public String privateAddress() {
        return privateAddress;
    }

    /** Runs {@code command} inside the namespace to its end (within 30 s) and returns what it did. */
    public CommandResult run(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return ExternalCommand.run(full, new byte[0], COMMAND_TIMEOUT);
    }

    /** Starts {@code command} inside the namespace, both output streams to {@code log}. */
    public Process start(Path log, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return startOnHost(log, full.toArray(String[]::new));
    }

    /** Starts {@code command} on this host, stopped with the namespace. */
    public synchronized Process startOnHost(Path log, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command[0] + ": " + e.getMessage(), e);
        }
    }

    /** Whether this host can open a TCP connection to {@code host:port} within two seconds. */
    public static boolean reachableFromHere(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The text of a log file, or a note that there is none (for assertion messages). */
    public static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log " + log + ")";
        }
    }

    @Override
    public synchronized void close() {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ExternalCommand.run(List.of("ip", "route", "del", "blackhole", privateNetwork), new byte[0], COMMAND_TIMEOUT);
        ExternalCommand.run(List.of("ip", "link", "del", hostInterface), new byte[0], COMMAND_TIMEOUT);
        ExternalCommand.run(List.of("ip", "netns", "del", name), new byte[0], COMMAND_TIMEOUT);
    }

    private static void must(String... command) {
        ExternalCommand.runSuccessfully(List.of(command), COMMAND_TIMEOUT);
    }
}
