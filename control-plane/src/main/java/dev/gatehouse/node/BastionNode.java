package dev.gatehouse.node;

import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.SessionRecorder;
import dev.gatehouse.audit.recording.WithoutOutput;
import dev.gatehouse.audit.spool.EvidenceSpool;
import dev.gatehouse.audit.spool.SpooledAuditSink;
import dev.gatehouse.controlplane.bastion.BastionConfiguration;
import dev.gatehouse.controlplane.bastion.BastionMeters;
import dev.gatehouse.controlplane.bastion.BastionService;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import dev.gatehouse.controlplane.config.OwnerOnly;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.controlplane.recordings.NodeId;
import dev.gatehouse.controlplane.recordings.RecordingHealth;
import dev.gatehouse.controlplane.tunnels.TunnelService;
import dev.gatehouse.sshproxy.audit.RecorderListener;
import dev.gatehouse.sshproxy.events.ListenerChain;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.sshproxy.server.BastionServer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The bastion role: the SSH port and the tunnel port ({@link NodeTunnels}) of one node, with no database and no CA
 * key. On its first start it enrols with the node token; from then on every decision, certificate and piece of
 * evidence goes over mutual TLS to the control plane ({@code gatehouse.control-plane.url}). Evidence waits in
 * {@code <data-dir>/spool} while the control plane is away.
 */
@SpringBootConfiguration
@EnableConfigurationProperties(GatehouseSettings.class)
@Import(NodeTunnels.class)
public class BastionNode {

    private static final Logger log = LoggerFactory.getLogger(BastionNode.class);
    static final long SPOOL_MEMORY_BYTES = 64L << 20;
    /** Two minutes of trying to reach a control plane that is not up yet. */
    private static final int ENROL_ATTEMPTS = 60;

    /** Runs the node until the process is told to stop. */
    public static void run(String[] args) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BastionNode.class)
                .web(WebApplicationType.NONE)
                .listeners(event -> {
                    if (event instanceof ContextClosedEvent) {
                        closed.countDown();
                    }
                })
                .run(args);
        log.info("bastion node {} serving SSH on port {}, tunnels on port {}",
                context.getBean(NodeIdentity.class).name(), context.getBean(BastionService.class).port(),
                context.getBean(TunnelService.class).port());
        closed.await();
    }

    /** This node's name (its {@code <data-dir>/node-id}) and its line to the control plane, enrolled. */
    record NodeIdentity(String name, NodeCredentials credentials, ControlPlaneClient client) {}

    @Bean
    NodeIdentity nodeIdentity(GatehouseSettings settings) throws IOException {
        if (settings.role() != GatehouseSettings.Role.BASTION) {
            throw new InvalidSettingException("gatehouse.role", "bastion", "this entry point runs bastion nodes only");
        }
        String url = settings.controlPlane().url();
        if (url.isBlank()) {
            throw new InvalidSettingException("gatehouse.control-plane.url", "https://host:port of the control plane's"
                    + " node port (GATEHOUSE_CONTROL_PLANE_URL)", "a bastion node needs its control plane");
        }
        OwnerOnly.directory(settings.dataDir());
        String name = NodeId.of(settings.dataDir());
        NodeCredentials credentials = new NodeCredentials(settings.dataDir());
        if (!credentials.enrolled()) {
            enrol(url, token(settings), name, credentials);
        }
        ControlPlaneClient client = new ControlPlaneClient(url, ControlPlaneClient.mutual(credentials.identity(),
                credentials.ca()));
        return new NodeIdentity(name, credentials, client);
    }

    @Bean(destroyMethod = "close")
    NodeCertificateRenewer nodeCertificateRenewer(NodeIdentity node) throws IOException {
        return new NodeCertificateRenewer(node.client(), node.credentials(), node.name(), Clock.systemUTC()).start();
    }

    @Bean(destroyMethod = "close")
    EvidenceSpool evidenceSpool(GatehouseSettings settings, NodeIdentity node) {
        return new EvidenceSpool(settings.dataDir().resolve("spool"), new RemoteEvidenceStore(node.client()),
                SPOOL_MEMORY_BYTES);
    }

    @Bean(destroyMethod = "close")
    AsyncSessionRecorder asyncSessionRecorder(GatehouseSettings settings, NodeIdentity node, EvidenceSpool spool)
            throws IOException {
        return new AsyncSessionRecorder(RecorderSettings.defaults(node.name())
                .withMaxBytesPerSession(settings.recording().maxBytesPerSession().toBytes()),
                node.credentials().recordingKey(), spool);
    }

    @Bean(destroyMethod = "close")
    RecorderListener recorderListener(GatehouseSettings settings, AsyncSessionRecorder recorder, EvidenceSpool spool) {
        SessionRecorder sessions = settings.recording().output() ? recorder : new WithoutOutput(recorder);
        return new RecorderListener(sessions, new SpooledAuditSink(spool));
    }

    @Bean
    RemoteAccessDecider remoteAccessDecider(GatehouseSettings settings, NodeIdentity node) {
        return new RemoteAccessDecider(node.client(), settings.node().decisionCache(), Clock.systemUTC());
    }

    @Bean
    BastionService bastionService(GatehouseSettings settings, NodeIdentity node, RemoteAccessDecider decider,
            RecorderListener listener, LiveTerminals live, TargetDialer dialer, PrometheusMeterRegistry meters) {
        RemoteCertificateIssuer issuer = new RemoteCertificateIssuer(node.client());
        ListenerChain listeners = new ListenerChain(List.of(listener, live, new BastionMeters(meters)));
        return new BastionService(() -> new BastionServer(BastionConfiguration.bastionConfig(settings), decider,
                issuer, dialer, listeners), settings.node().drainTimeout());
    }

    /** What an engineer is told when this node's revocation ends their session. */
    static final String REVOKED = "this gateway node was revoked by an admin; connect again to reach another node";

    /**
     * The heartbeat carries the session slots this node holds and the sessions it keeps for re-attach. When the control
     * plane refuses it (the node was revoked), a revocation bites on what already runs: every session here ends, and
     * the SSH and tunnel ports close (agents' links to this node end; a balancer's health check takes it out).
     */
    @Bean(destroyMethod = "close")
    NodeHeartbeat nodeHeartbeat(NodeIdentity node, RemoteAccessDecider decider, BastionService bastion,
            TunnelService tunnels) {
        return new NodeHeartbeat(node.client(), () -> decider.slots().withDetached(NodeHeartbeat.detached(bastion)),
                decider::delivered, refusal -> {
                    int ended = bastion.terminateAll(REVOKED);
                    bastion.stop();
                    tunnels.stop();
                    log.error("the control plane no longer admits this node ({}): it was revoked or enrolled again;"
                            + " {} session(s) ended, SSH and tunnel ports closed. To serve again, enrol afresh: a new"
                            + " node token, with {} removed", refusal, ended, node.credentials().dir());
                }).start();
    }

    @Bean(destroyMethod = "close")
    NodeOrderPoller nodeOrderPoller(NodeIdentity node, BastionService bastion, LiveTerminals live) {
        return new NodeOrderPoller(node.client(), bastion, live).start();
    }

    /** This node's meters: its sessions, its evidence pipeline and its JVM ({@link NodeMetrics} serves them). */
    @Bean(destroyMethod = "close")
    PrometheusMeterRegistry nodeMeterRegistry(AsyncSessionRecorder recorder, EvidenceSpool spool) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new RecordingHealth(recorder, spool).bind(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    @Bean(destroyMethod = "close")
    NodeMetrics nodeMetrics(GatehouseSettings settings, PrometheusMeterRegistry registry) {
        return NodeMetrics.serve(settings.node().metrics(), registry);
    }

    /** The terminals of the sessions here, relayed to the control plane for a live view there ({@link NodeLiveRelay}). */
    @Bean
    LiveTerminals liveTerminals() {
        return new LiveTerminals();
    }

    /**
     * Enrols, waiting while the control plane cannot be reached (it may be starting too); a refusal (a used or
     * unknown token) stops start-up at once.
     */
    private static void enrol(String url, String token, String name, NodeCredentials credentials) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                NodeEnroller.enrol(url, token, name, credentials);
                log.info("bastion node {} enrolled with the control plane at {}", name, url);
                return;
            } catch (ControlPlaneClient.Unavailable e) {
                if (e.status() != 0 || attempt >= ENROL_ATTEMPTS) {
                    throw e;
                }
                log.warn("enrolment: {}; trying again in 2 s", e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String token(GatehouseSettings settings) throws IOException {
        GatehouseSettings.Node node = settings.node();
        if (node.token() != null && !node.token().isBlank()) {
            return node.token().strip();
        }
        if (node.tokenFile() != null) {
            return Files.readString(node.tokenFile(), StandardCharsets.US_ASCII).strip();
        }
        throw new InvalidSettingException("gatehouse.node.token", "a node token from POST /api/v1/node-tokens"
                + " (GATEHOUSE_NODE_TOKEN, or GATEHOUSE_NODE_TOKEN_FILE naming a file that holds it)",
                "this node has not enrolled yet");
    }
}
