package dev.gatehouse.node;

import dev.gatehouse.testkit.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One gatehouse process of a test cluster, started the way the README says ({@code java -jar gatehouse-exec.jar
 * --gatehouse.role=...}, settings in the environment), its output in {@code <data-dir>.log}.
 */
final class NodeProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "gatehouse-exec.jar").toAbsolutePath();
    static final Duration PATIENCE = Duration.ofSeconds(240);

    private final Path log;
    private final long offset;
    private final Process process;

    private NodeProcess(Path log, long offset, Process process) {
        this.log = log;
        this.offset = offset;
        this.process = process;
    }

    static NodeProcess start(String role, Path dataDir, Map<String, String> environment) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the ITs through mvn verify (after package)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-jar", JAR.toString(), "--gatehouse.role=" + role));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        builder.environment().put("GATEHOUSE_DATA_DIR", dataDir.toString());
        builder.environment().putAll(environment);
        Path log = Path.of(dataDir + ".log");
        long offset = Files.exists(log) ? Files.size(log) : 0;
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new NodeProcess(log, offset, builder.start());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** This run's output (a restart appends to the same file). */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1).substring((int) offset) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Waits for {@code line} in the output; fails with the output's tail if the process ends first. */
    NodeProcess awaitLog(String line) throws InterruptedException {
        await("'" + line + "' in " + log, () -> {
            if (!process.isAlive() && !log().contains(line)) {
                throw new AssertionError("the process ended (" + process.exitValue() + "):\n" + tail());
            }
            return log().contains(line);
        });
        return this;
    }

    String tail() {
        String all = log();
        return all.substring(Math.max(0, all.length() - 6000));
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: the node dies without a word. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** SIGTERM without waiting: the node drains. */
    void terminate() {
        process.destroy();
    }

    /** SIGTERM, then waits for the process to end. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, PATIENCE, condition);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
