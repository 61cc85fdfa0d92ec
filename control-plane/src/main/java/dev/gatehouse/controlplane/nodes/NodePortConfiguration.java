package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.RepeatedRefusals;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.GatehouseSettings.Role;
import dev.gatehouse.controlplane.database.SingletonJobs;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.controlplane.sshapprovals.SshApprovals;
import dev.gatehouse.controlplane.agents.AgentStore;
import dev.gatehouse.controlplane.jointokens.JoinTokens;
import dev.gatehouse.controlplane.tunnels.NodeTunnelCalls;
import dev.gatehouse.controlplane.tunnels.TunnelConfiguration;
import dev.gatehouse.pki.x509.TlsIdentity;
import dev.gatehouse.pki.x509.Usage;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The node port of the control-plane role ({@code gatehouse.nodes.*}). Its server certificate is issued by the X.509
 * CA at each start, for the names the tunnel settings give this machine.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NodePortConfiguration.ControlPlaneRole.class)
class NodePortConfiguration {

    private static final Duration SERVER_CERTIFICATE_VALIDITY = Duration.ofDays(365);

    /**
     * The names of the node port's certificate: this machine's, the advertised tunnel host, and the host of
     * {@code gatehouse.nodes.advertised-url} (where nodes relay live views to this control plane: a pod's own
     * address on Kubernetes, which no other name reaches).
     */
    static List<String> nodePortNames(String advertisedHost, String advertisedUrl) {
        List<String> names = new java.util.ArrayList<>(TunnelConfiguration.serverNames(advertisedHost));
        if (!advertisedUrl.isBlank()) {
            String host = java.net.URI.create(advertisedUrl).getHost();
            if (host != null && !names.contains(host)) {
                names.add(host);
            }
        }
        return List.copyOf(names);
    }

    /** True in the control-plane role only: the all-in-one's bastion asks in-process and serves no nodes. */
    static final class ControlPlaneRole implements Condition {
        @Override
        public boolean matches(org.springframework.context.annotation.ConditionContext context,
                org.springframework.core.type.AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment()).bind("gatehouse.role", Role.class)
                    .orElse(Role.ALL_IN_ONE) == Role.CONTROL_PLANE;
        }
    }

    @Bean
    NodeEnrollment nodeEnrollment(NodeTokenStore tokens, NodeStore nodes, CertificateAuthorities authorities,
            ControlPlaneAudit trail, TransactionTemplate transactions, Clock clock) {
        return new NodeEnrollment(tokens, nodes, authorities, trail, transactions, clock);
    }

    @Bean
    ClusterSessionLimit clusterSessionLimit(JdbcClient jdbc, TransactionTemplate transactions,
            GatehouseSettings settings, Clock clock) {
        return new ClusterSessionLimit(jdbc, transactions, settings.ssh().maxSessionsPerUser(), clock);
    }

    @Bean
    NodeDetachedSessions nodeDetachedSessions(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        return new NodeDetachedSessions(jdbc, transactions, clock);
    }

    @Bean
    NodeOrders nodeOrders(JdbcClient jdbc, NodeDetachedSessions detached, ControlPlaneAudit trail, Clock clock,
            GatehouseSettings settings) {
        return new NodeOrders(jdbc, detached, trail, clock, settings.nodes().advertisedUrl());
    }

    /**
     * Node liveness runs on one control plane of those sharing the database (elected like the checkpointer): two would
     * both mark a silent node's sessions interrupted. A control plane elected later counts silence from then.
     */
    @Bean
    NodeLivenessJob nodeLiveness(SingletonJobs jobs, JdbcClient jdbc, PostgresAuditStore events, BlobStore blobs,
            ClusterSessionLimit slots, Clock clock) {
        jobs.add(NodeLivenessJob.NAME, () -> new NodeLiveness(jdbc, new PostgresEvidenceStore(events, blobs), slots,
                clock).start(NodeLiveness.PERIOD));
        return new NodeLivenessJob();
    }

    /** Marks that node liveness is one of the singleton jobs here. */
    record NodeLivenessJob() {
        static final String NAME = "node liveness";
    }

    /**
     * Refusals at the node port, folded per caller and address: the first in each {@code gatehouse.api
     * .refusal-interval} is audited in full, the rest counted into one {@code node.refused.repeated} event.
     */
    @Bean(destroyMethod = "close")
    RepeatedRefusals nodeRefusals(GatehouseSettings settings, ControlPlaneAudit trail, Clock clock) {
        return new RepeatedRefusals(settings.api().refusalInterval(), 10_000, clock, summary -> trail.record(
                new AuditRecord("node.refused.repeated", "anonymous", "caller:" + summary.source(), null,
                        Map.of("count", summary.count(), "first", summary.first().toString(), "last",
                                summary.last().toString()), null, "denied", summary.count()
                                + " more refusals at the node port of " + summary.source() + " between "
                                + summary.first() + " and " + summary.last()))).start();
    }

    @Bean(destroyMethod = "close")
    NodeApiServer nodeApiServer(GatehouseSettings settings, CertificateAuthorities authorities, NodeStore nodes,
            NodeEnrollment enrollment, AccessDecider decider, CertificateIssuer issuer, PostgresAuditStore events,
            BlobStore blobs, ControlPlaneAudit trail, ClusterSessionLimit slots, NodeOrders orders,
            NodeDetachedSessions detached, JdbcClient jdbc, Clock clock, JoinTokens joinTokens, AgentStore agents,
            TransactionTemplate transactions, SshApprovals approvals, RepeatedRefusals nodeRefusals, LiveTerminals live)
            throws IOException {
        KeyPair key = TunnelConfiguration.serverKey();
        String advertised = settings.tunnel().advertisedHost().isEmpty() ? "localhost"
                : settings.tunnel().advertisedHost();
        X509Certificate ca = authorities.x509().certificate();
        X509Certificate certificate = authorities.x509().issue(key.getPublic(), NodeWire.NODE_PORT_CERTIFICATE,
                nodePortNames(advertised, settings.nodes().advertisedUrl()), SERVER_CERTIFICATE_VALIDITY,
                Usage.SERVER);
        NodeCalls calls = new NodeCalls(enrollment, nodes, decider, slots, issuer,
                new PostgresEvidenceStore(events, blobs), NodeEvidenceCheck.against(jdbc), orders, detached, trail,
                nodeRefusals, live, clock);
        return new NodeApiServer(settings.nodes().bindAddress(), settings.nodes().port(),
                new TlsIdentity(key.getPrivate(), List.of(certificate, ca)), ca, nodes,
                new NodeTunnelCalls(new NodeApprovalCalls(calls, approvals), authorities, joinTokens, agents, trail,
                        transactions, jdbc)).start();
    }
}
