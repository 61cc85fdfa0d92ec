package dev.gatehouse.agent;

import dev.gatehouse.agent.config.AgentConfigFile;
import dev.gatehouse.agent.enroll.AgentState;
import dev.gatehouse.agent.enroll.CertificateRenewer;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Keeps the tunnels open until stopped (SIGTERM drains and exits). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Keep tunnels open to every gateway node.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "/etc/gatehouse-agent/agent.conf", description = "agent configuration (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--state-dir", description = "overrides state-dir from the configuration")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        AgentConfigFile file = AgentConfigFile.load(config);
        AgentState state = new AgentState(stateDir != null ? stateDir : file.stateDir());
        AgentState.Enrollment enrollment = state.enrollment();
        var credentials = state.credentials();
        Instant expiry = credentials.chain().getFirst().getNotAfter().toInstant();
        if (Instant.now().isAfter(expiry)) {
            throw new IllegalStateException("agent certificate expired at " + expiry
                    + "; join again with a new token");
        }
        if (file.settings().allowList().rules().isEmpty()) {
            System.err.println("gatehouse-agent: warning: the allow-list is empty, every dial will be refused");
        }
        TunnelAgent agent = new TunnelAgent(enrollment.gateway(), file.settings(), credentials,
                AgentCommand.version());
        CertificateRenewer renewer = new CertificateRenewer(state, agent, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            renewer.close();
            agent.close();
            stopped.countDown();
        }, "agent-shutdown"));
        agent.start();
        renewer.start();
        stopped.await();
        return 0;
    }
}
