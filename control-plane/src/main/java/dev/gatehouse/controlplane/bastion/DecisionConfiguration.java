package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.controlplane.accessrequests.AccessRequests;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.hosts.HostKeyPinning;
import dev.gatehouse.controlplane.hosts.HostStore;
import dev.gatehouse.controlplane.keys.KeyOwners;
import dev.gatehouse.controlplane.policy.PolicyEngine;
import dev.gatehouse.controlplane.policy.ReservedRanges;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.sshapprovals.SshApprovals;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The answers a bastion needs, from this control plane: asked in-process by the all-in-one's bastion, and over the
 * node port by bastion nodes.
 */
@Configuration(proxyBeanMethods = false)
class DecisionConfiguration {

    @Bean
    AccessDecider accessDecider(GatehouseSettings settings, KeyOwners keyOwners, PolicyEngine policy, HostStore hosts,
            HostKeyPinning pinning, AccessChangeLog accessChanges, ObjectProvider<NameResolver> resolver,
            AccessRequests accessRequests, SshApprovals approvals) {
        // Tests put a resolver bean in to map names to reserved addresses without touching DNS or /etc/hosts.
        return new ControlPlaneAccessDecider(keyOwners, policy, hosts, pinning, accessChanges,
                resolver.getIfAvailable(() -> NameResolver.SYSTEM), ReservedRanges.ofThisMachine(),
                settings.targets().hostCertificateAuthorities(), accessRequests, approvals);
    }

    @Bean
    CertificateIssuer certificateIssuer(CertificateAuthorities authorities) {
        return new ControlPlaneCertificateIssuer(authorities);
    }
}
