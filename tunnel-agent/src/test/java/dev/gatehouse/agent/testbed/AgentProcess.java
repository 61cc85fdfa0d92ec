package dev.gatehouse.agent.testbed;

import dev.gatehouse.agent.AgentCommand;
import dev.gatehouse.agent.enroll.AgentState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shipped agent jar running as its own process (state written as {@code join} would), to kill or freeze. */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static AgentProcess start(Testbed bed, String name, String network, String gateway, String allow, Path dir)
            throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path state = home.resolve("state");
        TestPki.Issued issued = bed.agentCa.agent(name, network);
        new AgentState(state).save(new AgentState.Enrollment(gateway, network, name), issued.keys().getPrivate(),
                List.of(issued.certificate()), List.of(bed.gatewayCa.certificate()));
        Path config = Files.writeString(home.resolve("agent.conf"), "state-dir = " + state + "\nallow = " + allow
                + "\nping-interval = 1s\nlink-timeout = 6s\n");
        Path log = home.resolve("agent.log");
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of("run", "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AgentProcess(process, log);
    }

    /** {@code java -jar target/gatehouse-agent.jar}, or the test class path when the jar is not built. */
    public static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("target", "gatehouse-agent.jar").toAbsolutePath();
        return Files.exists(jar) ? List.of(java, "-Xmx128m", "-jar", jar.toString())
                : List.of(java, "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName());
    }

    /** SIGKILL: the process dies, the kernel closes its sockets. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process hangs with its connections open, like a host that vanished without FIN or RST. */
    public void freeze() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        kill();
    }
}
