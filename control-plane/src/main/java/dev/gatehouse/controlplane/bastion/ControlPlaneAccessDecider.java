package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.controlplane.accessrequests.AccessRequest;
import dev.gatehouse.controlplane.accessrequests.AccessRequests;
import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.hosts.Host;
import dev.gatehouse.controlplane.hosts.HostKeyPinning;
import dev.gatehouse.controlplane.hosts.HostStore;
import dev.gatehouse.controlplane.keys.KeyOwners;
import dev.gatehouse.controlplane.policy.AccessDecision;
import dev.gatehouse.controlplane.policy.Cidr;
import dev.gatehouse.controlplane.policy.ForwardDestination;
import dev.gatehouse.controlplane.policy.PolicyEngine;
import dev.gatehouse.controlplane.policy.ReservedRanges;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.pki.ssh.InvalidSshKeyException;
import dev.gatehouse.pki.ssh.SshPublicKey;
import dev.gatehouse.controlplane.sshapprovals.SshApprovals;
import dev.gatehouse.sshproxy.access.AccessChanges;
import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.ApprovalDesk;
import dev.gatehouse.sshproxy.access.ApprovalRule;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.ForwardRoute;
import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.access.Reachable;
import dev.gatehouse.sshproxy.access.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion's questions answered in-process by the control plane (the all-in-one): straight from PostgreSQL through
 * the policy engine, with no cache, so a revoked key or a disabled user stops the next session at once.
 */
final class ControlPlaneAccessDecider implements AccessDecider {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneAccessDecider.class);

    /** A role that sets no maximum session length still gets one: a forgotten session must end some day. */
    static final Duration DEFAULT_MAX_SESSION = Duration.ofHours(12);

    private final KeyOwners keyOwners;
    private final PolicyEngine policy;
    private final HostStore hosts;
    private final HostKeyPinning pinning;
    private final AccessChangeLog changes;
    private final NameResolver resolver;
    private final ReservedRanges reserved;
    private final List<PublicKey> hostCertificateAuthorities;
    private final AccessRequests accessRequests;
    private final SshApprovals approvals;

    ControlPlaneAccessDecider(KeyOwners keyOwners, PolicyEngine policy, HostStore hosts, HostKeyPinning pinning,
            AccessChangeLog changes, NameResolver resolver, ReservedRanges reserved,
            List<PublicKey> hostCertificateAuthorities, AccessRequests accessRequests, SshApprovals approvals) {
        this.keyOwners = Objects.requireNonNull(keyOwners, "keyOwners");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.pinning = Objects.requireNonNull(pinning, "pinning");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.reserved = Objects.requireNonNull(reserved, "reserved");
        this.hostCertificateAuthorities = List.copyOf(hostCertificateAuthorities);
        this.accessRequests = Objects.requireNonNull(accessRequests, "accessRequests");
        this.approvals = Objects.requireNonNull(approvals, "approvals");
    }

    @Override
    public ApprovalRule approvalRule(GatewayUser user) {
        return approvals.rule(user.username());
    }

    @Override
    public ApprovalDesk approvalDesk() {
        return approvals;
    }

    @Override
    public Decision<GatewayUser> authenticate(PublicKey key) {
        Optional<User> owner = keyOwners.ownerOf(key);
        if (owner.isEmpty()) {
            return Decision.deny("unknown key");
        }
        if (owner.get().disabled()) {
            return Decision.deny("user '" + owner.get().username() + "' is disabled");
        }
        return Decision.allow(new GatewayUser(owner.get().username()));
    }

    @Override
    public Decision<Target> authorizeLogin(GatewayUser user, String login, String hostName) {
        Optional<Host> host = hosts.find(hostName);
        if (host.isEmpty()) {
            return Decision.deny("no such host " + hostName);
        }
        AccessDecision decision = policy.mayLogin(user.username(), login, hostName);
        if (!decision.allowed()) {
            return Decision.deny(decision.reason());
        }
        return Decision.allow(new Target(hostName, HostAndPort.parse(host.get().address()), host.get().network(),
                pinnedKey(host.get()), maxSession(decision), new Forwarding(decision.portForwarding(),
                decision.allowRemoteForwarding(), decision.allowAgentForwarding()),
                Duration.ofSeconds(decision.detachedSeconds())));
    }

    @Override
    public Decision<ForwardRoute> authorizeForward(GatewayUser user, Optional<Target> via, HostAndPort destination) {
        // A forward inside a target session is dialled in that target's network; a bare -L/-W names either an
        // inventory host (dialled in its network, at its address with the requested port), a destination a grant
        // tied to an agent network matches, or a destination a role grants in the direct network.
        String network = via.map(Target::network).orElse(null);
        HostAndPort dialled = destination;
        if (network == null) {
            Optional<Host> named = hosts.find(destination.host());
            if (named.isPresent()) {
                network = named.get().network();
                dialled = new HostAndPort(HostAndPort.parse(named.get().address()).host(), destination.port());
            } else {
                network = policy.tiedAgentNetwork(user.username(), destination.host(), destination.port(),
                        Target.DIRECT_NETWORK).orElse(Target.DIRECT_NETWORK);
            }
        }
        if (Target.DIRECT_NETWORK.equals(network)) {
            return authorizeDirect(user, destination, dialled);
        }
        // In an agent network the agent resolves the name in its own network and dials only what its own allow-list
        // permits; resolving it here would check an address the agent never dials.
        AccessDecision decision = policy.mayForward(user.username(), network, destination.host(), destination.port());
        if (!decision.allowed()) {
            return Decision.deny(decision.reason());
        }
        return Decision.allow(new ForwardRoute(network, dialled, maxSession(decision)));
    }

    /**
     * The gateway dials the direct network itself: the name is resolved once, here, and the address the policy checked
     * is the one dialled (a second lookup could answer differently: DNS rebinding). The first address granted wins.
     */
    private Decision<ForwardRoute> authorizeDirect(GatewayUser user, HostAndPort requested, HostAndPort dialled) {
        InetAddress[] addresses;
        try {
            InetAddress literal = Cidr.literal(dialled.host());
            addresses = literal != null ? new InetAddress[] {literal} : resolver.resolve(dialled.host());
        } catch (UnknownHostException e) {
            return Decision.deny(dialled.host() + ": unknown host");
        }
        String refusal = dialled.host() + ": no address";
        for (InetAddress address : addresses) {
            ForwardDestination checked = new ForwardDestination(requested.host(), address,
                    reserved.rangeOf(address).orElse(null));
            AccessDecision decision = policy.mayForward(user.username(), Target.DIRECT_NETWORK, checked,
                    requested.port());
            if (decision.allowed()) {
                return Decision.allow(new ForwardRoute(Target.DIRECT_NETWORK,
                        new HostAndPort(address.getHostAddress(), requested.port())));
            }
            if (address == addresses[0]) {
                refusal = decision.reason();
            }
        }
        return Decision.deny(refusal);
    }

    @Override
    public List<Reachable> reachable(GatewayUser user) {
        return policy.reachableHosts(user.username()).stream()
                .map(host -> new Reachable(host.host(), host.logins()))
                .toList();
    }

    @Override
    public Decision<String> requestAccess(GatewayUser user, String role, int minutes, String reason) {
        try {
            AccessRequest request = accessRequests.request(
                    new AccessRequests.Actor(user.username(), false, null), role, reason, minutes);
            return Decision.allow("Requested " + request.role() + " for " + request.minutes() + " minutes (request "
                    + request.id() + "); an admin or an approver of the role decides in the console.");
        } catch (ApiException e) {
            return Decision.deny(e.getMessage());
        }
    }

    @Override
    public AccessChanges changesSince(long revision) {
        return changes.since(revision);
    }

    @Override
    public boolean learnHostKey(String targetName, PublicKey hostKey) {
        HostKeyPinning.Verdict verdict = pinning.verify(targetName, hostKey);
        if (!verdict.trusted()) {
            log.warn("host key of {} not learned: {}", targetName, verdict.outcome());
        }
        return verdict.trusted();
    }

    @Override
    public List<PublicKey> hostCertificateAuthorities() {
        return hostCertificateAuthorities;
    }

    private static Duration maxSession(AccessDecision decision) {
        return decision.maxSessionSeconds() > 0 ? Duration.ofSeconds(decision.maxSessionSeconds())
                : DEFAULT_MAX_SESSION;
    }

    private static Optional<PublicKey> pinnedKey(Host host) {
        if (host.hostKey() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SshPublicKey.parse(host.hostKey()).key());
        } catch (InvalidSshKeyException e) {
            // Stored keys were validated on the way in; an unreadable one must not silently turn into "learn anew".
            throw new IllegalStateException("pinned host key of " + host.name() + " is unreadable: " + e.getMessage(), e);
        }
    }
}
