package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.audit.recording.SessionRecorder;
import dev.gatehouse.audit.spool.EvidenceSpool;
import dev.gatehouse.audit.spool.SpooledAuditSink;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.live.LiveTerminals;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.audit.RecorderListener;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import dev.gatehouse.sshproxy.events.ListenerChain;
import dev.gatehouse.sshproxy.server.BastionConfig;
import dev.gatehouse.sshproxy.server.BastionServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/** The bastion inside the all-in-one: MINA SSHD on {@code gatehouse.ssh.port}, asking this control plane in-process. */
@Configuration(proxyBeanMethods = false)
@Conditional(RunsBastion.class)
public class BastionConfiguration {

    /** The bastion's own events (ssh.auth, ssh.login, ssh.logout, ssh.*.denied) go through the durable spool too. */
    @Bean(destroyMethod = "close")
    RecorderListener bastionRecorderListener(SessionRecorder recorder, EvidenceSpool spool) {
        return new RecorderListener(recorder, new SpooledAuditSink(spool));
    }

    @Bean
    BastionService bastion(GatehouseSettings settings, AccessDecider decider, CertificateIssuer issuer,
            RecorderListener listener, LiveTerminals live, TargetDialer dialer, MeterRegistry meters) throws IOException {
        BastionConfig config = bastionConfig(settings);
        ListenerChain listeners = new ListenerChain(List.of(listener, live, new BastionMeters(meters)));
        // A fresh server on every start: MINA's client cannot be started twice, and Spring restarts contexts it paused.
        return new BastionService(() -> new BastionServer(config, decider, issuer, dialer, listeners));
    }

    /** The bastion's settings ({@code gatehouse.ssh.*}, {@code gatehouse.recording.fail-mode}), in the all-in-one or a node. */
    public static BastionConfig bastionConfig(GatehouseSettings settings) {
        GatehouseSettings.Ssh ssh = settings.ssh();
        return BastionConfig.defaults(settings.dataDir().resolve("ssh"), ssh.port(), hostNames(ssh))
                .withBindAddress(ssh.bindAddress())
                .withLimits(ssh.idleTimeout(), ssh.maxSessionsPerUser())
                .withConnectTimeout(ssh.connectTimeout())
                .withFailMode(settings.recording().failMode())
                .withAuthLimits(ssh.auth().limits())
                .withProxyProtocol(ssh.proxyProtocolSettings());
    }

    /** The configured names, or the names a client on this machine or the LAN would use. */
    static List<String> hostNames(GatehouseSettings.Ssh ssh) {
        if (!ssh.hostNames().isEmpty()) {
            return ssh.hostNames();
        }
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName());
            names.add(local.getCanonicalHostName());
        } catch (UnknownHostException e) {
            // No resolvable own name: the loopback names above still work.
        }
        return List.copyOf(names);
    }
}
