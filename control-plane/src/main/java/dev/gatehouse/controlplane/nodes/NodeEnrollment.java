package dev.gatehouse.controlplane.nodes;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.security.OpaqueTokens;
import dev.gatehouse.pki.x509.Usage;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bastion node enrolment: a one-time node token buys a client certificate {@code CN=bastion:<node>} from the X.509
 * CA; a node still enrolled renews with the certificate it holds. Certificates are short-lived (nodes renew at two
 * thirds, as agents do). Every enrolment, renewal and refusal is an audit event.
 */
public final class NodeEnrollment {

    /** Short enough that a stolen node key is soon useless; nodes renew long before. */
    public static final Duration CERTIFICATE_VALIDITY = Duration.ofHours(24);
    static final String COMMON_NAME_PREFIX = "bastion:";

    /** Why a node was refused, in words it may be told. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final NodeTokenStore tokens;
    private final NodeStore nodes;
    private final CertificateAuthorities authorities;
    private final ControlPlaneAudit trail;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public NodeEnrollment(NodeTokenStore tokens, NodeStore nodes, CertificateAuthorities authorities, ControlPlaneAudit trail,
            TransactionTemplate transactions, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The node name a client certificate of this CA names, or null when it is no node's (an agent's, say). */
    public static String nodeName(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        String prefix = "CN=" + COMMON_NAME_PREFIX;
        return subject.startsWith(prefix) && subject.indexOf(',') < 0 ? subject.substring(prefix.length()) : null;
    }

    /**
     * Redeems {@code token} for node {@code name}, whose recordings {@code recordingKey} signs; the chain is the
     * node's certificate and the CA's.
     */
    public List<X509Certificate> enrol(String token, String name, byte[] csr, String recordingKey, String sourceAddress)
            throws Refused {
        checkName(name, sourceAddress);
        try {
            AuditKey.verifierOnly(Base64.getDecoder().decode(recordingKey));
        } catch (IllegalArgumentException | NullPointerException e) {
            refuse("node.enrol", name, sourceAddress, "recordingKey is not the base64 of an Ed25519 public key");
        }
        String[] refusal = new String[1];
        // One transaction: a certificate request the CA refuses leaves the token unused.
        List<X509Certificate> chain = transactions.execute(status -> {
            if (tokens.consume(OpaqueTokens.hash(token), name, clock.instant()).isEmpty()) {
                refusal[0] = "node token unknown, already used, revoked or expired";
                return null;
            }
            try {
                List<X509Certificate> issued = sign(csr, name);
                nodes.enrolled(name, NodeToken.BASTION, serial(issued), recordingKey, clock.instant());
                record("node.enrolled", name, sourceAddress, Map.of("certSerial", serial(issued)), "success", null);
                return issued;
            } catch (IllegalArgumentException e) {
                status.setRollbackOnly();
                refusal[0] = "certificate request refused: " + e.getMessage();
                return null;
            }
        });
        if (chain == null) {
            refuse("node.enrol", name, sourceAddress, refusal[0]);
        }
        return chain;
    }

    /** A new certificate for a node presenting a still admitted one. */
    public List<X509Certificate> renew(String name, String presentedSerial, byte[] csr, String sourceAddress)
            throws Refused {
        if (!nodes.admits(name, presentedSerial)) {
            refuse("node.renew", name, sourceAddress, "node " + name + " is not enrolled, or certificate "
                    + presentedSerial + " is no longer admitted; enrol again with a new node token");
        }
        List<X509Certificate> chain;
        try {
            chain = sign(csr, name);
        } catch (IllegalArgumentException e) {
            refuse("node.renew", name, sourceAddress, "certificate request refused: " + e.getMessage());
            return List.of();
        }
        String serial = serial(chain);
        boolean stored = Boolean.TRUE.equals(transactions.execute(status -> {
            if (!nodes.renewed(name, presentedSerial, serial)) {
                return false;
            }
            record("node.renewed", name, sourceAddress, Map.of("certSerial", serial, "renewedWith", presentedSerial),
                    "success", null);
            return true;
        }));
        if (!stored) {
            refuse("node.renew", name, sourceAddress, "node " + name + " was revoked or re-enrolled during the renewal");
        }
        return chain;
    }

    private void checkName(String name, String sourceAddress) throws Refused {
        if (name == null || !name.matches("[a-z0-9][a-z0-9.-]{0,54}")) {
            refuse("node.enrol", "invalid", sourceAddress, "node name must match [a-z0-9][a-z0-9.-]{0,54}");
        }
    }

    /** Throws IllegalArgumentException (InvalidCsrException included) saying what is wrong with the request. */
    private List<X509Certificate> sign(byte[] csr, String name) {
        X509Certificate leaf = authorities.x509().signCsr(csr, COMMON_NAME_PREFIX + name, List.of(),
                CERTIFICATE_VALIDITY, Usage.CLIENT);
        return List.of(leaf, authorities.x509().certificate());
    }

    private static String serial(List<X509Certificate> chain) {
        return chain.getFirst().getSerialNumber().toString(16);
    }

    private void refuse(String type, String name, String sourceAddress, String reason) throws Refused {
        transactions.executeWithoutResult(status -> record(type, name, sourceAddress, null, "denied", reason));
        throw new Refused(reason);
    }

    private void record(String type, String name, String sourceAddress, Object after, String outcome, String reason) {
        trail.record(new AuditRecord(type, "node:" + name, "node:" + name, null, after, sourceAddress, outcome,
                reason));
    }
}
