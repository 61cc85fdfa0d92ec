package dev.gatehouse.controlplane.ca;

import dev.gatehouse.pki.seal.MasterKey;
import dev.gatehouse.pki.seal.PrivateKeys;
import dev.gatehouse.pki.seal.SealedSecretException;
import dev.gatehouse.pki.seal.SecretSealer;
import dev.gatehouse.pki.ssh.HostCertificateRequest;
import dev.gatehouse.pki.ssh.IssuedCertificate;
import dev.gatehouse.pki.ssh.SshCertificateAuthority;
import dev.gatehouse.pki.ssh.UserCertificateRequest;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.pki.x509.X509CertificateAuthority;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * The gateway's three certificate authorities, created on the first start and kept in PostgreSQL with their private
 * keys sealed by the master key: the SSH user CA (targets trust it for the bastion's logins), the SSH host CA
 * (clients trust it for the bastion's ProxyJump host certificates), and the X.509 CA (agents, internal mTLS).
 */
@Component
@DependsOn("flywayInitializer")
public final class CertificateAuthorities {

    /** The longest a per-session user certificate may live: enough to log in, too short to be worth stealing. */
    public static final Duration MAX_SESSION_CERTIFICATE_VALIDITY = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthorities.class);
    static final String SSH_USER = "ssh-user";
    static final String SSH_HOST = "ssh-host";
    static final String X509 = "x509";
    static final String AUDIT = "audit-signing";

    private final SshCertificateAuthority userCa;
    private final SshCertificateAuthority hostCa;
    private final X509CertificateAuthority x509Ca;
    private final KeyPair auditKey;

    public CertificateAuthorities(CaStore store, MasterKey masterKey) {
        SecretSealer sealer = new SecretSealer(Objects.requireNonNull(masterKey, "masterKey"));
        this.userCa = loadOrCreate(store, sealer, SSH_USER,
                () -> SshCertificateAuthority.generate("gatehouse-user-ca"), SshCertificateAuthority::keyPair,
                SshCertificateAuthority::publicKeyLine, (keys, line) -> SshCertificateAuthority.of(keys, "gatehouse-user-ca"));
        this.hostCa = loadOrCreate(store, sealer, SSH_HOST,
                () -> SshCertificateAuthority.generate("gatehouse-host-ca"), SshCertificateAuthority::keyPair,
                SshCertificateAuthority::publicKeyLine, (keys, line) -> SshCertificateAuthority.of(keys, "gatehouse-host-ca"));
        this.x509Ca = loadOrCreate(store, sealer, X509,
                () -> X509CertificateAuthority.generate("Gatehouse internal CA"), X509CertificateAuthority::keyPair,
                ca -> Pem.encode(ca.certificate()), (keys, pem) -> X509CertificateAuthority.of(keys, Pem.certificate(pem)));
        this.auditKey = loadOrCreate(store, sealer, AUDIT, CertificateAuthorities::generateEd25519, Function.identity(),
                keys -> Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()), (keys, publicKey) -> keys);
    }

    private static KeyPair generateEd25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** The Ed25519 key that signs the audit chain's checkpoints and export manifests. */
    public KeyPair auditSigningKey() {
        return auditKey;
    }

    private interface Restore<T> {
        T restore(KeyPair keys, String publicMaterial);
    }

    private static <T> T loadOrCreate(CaStore store, SecretSealer sealer, String name,
            java.util.function.Supplier<T> generate, Function<T, KeyPair> keys, Function<T, String> publicMaterial,
            Restore<T> restore) {
        if (store.find(name).isEmpty()) {
            T created = generate.get();
            store.insertIfAbsent(name, new CaStore.StoredCa(publicMaterial.apply(created),
                    sealer.seal(PrivateKeys.encode(keys.apply(created)), purpose(name))));
            log.info("Certificate authority '{}': created", name);
        }
        CaStore.StoredCa stored = store.find(name).orElseThrow();
        try {
            return restore.restore(PrivateKeys.decode(sealer.open(stored.sealedPrivateKey(), purpose(name))),
                    stored.publicMaterial());
        } catch (SealedSecretException e) {
            throw new IllegalStateException("cannot open the private key of certificate authority '" + name
                    + "': " + e.getMessage() + " (is gatehouse.secrets.master-key / <data-dir>/master.key the one"
                    + " it was created with?)", e);
        }
    }

    private static String purpose(String name) {
        return "gatehouse-ca:" + name;
    }

    /** The line for sshd's {@code TrustedUserCAKeys} file. */
    public String userCaLine() {
        return userCa.publicKeyLine();
    }

    /** The {@code @cert-authority * ...} line for a client's {@code known_hosts}. */
    public String hostCaKnownHostsLine() {
        return hostCa.knownHostsLine();
    }

    /** The X.509 CA certificate, PEM. */
    public String x509CaPem() {
        return Pem.encode(x509Ca.certificate());
    }

    public X509CertificateAuthority x509() {
        return x509Ca;
    }

    /**
     * Signs the bastion's per-session key for one upstream login: principal {@code login}, key id naming the person
     * and the session (sshd logs it), valid for at most {@link #MAX_SESSION_CERTIFICATE_VALIDITY}.
     */
    public IssuedCertificate issueSessionCertificate(PublicKey sessionKey, String person, String sessionId, String login,
            Duration validity, boolean portForwarding, boolean agentForwarding) {
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_SESSION_CERTIFICATE_VALIDITY) > 0) {
            throw new IllegalArgumentException("session certificates live at most " + MAX_SESSION_CERTIFICATE_VALIDITY
                    + ", asked for " + validity);
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put("permit-pty", "");
        if (portForwarding) {
            extensions.put("permit-port-forwarding", "");
        }
        if (agentForwarding) {
            extensions.put("permit-agent-forwarding", "");
        }
        return userCa.issueUser(UserCertificateRequest.of(sessionKey, List.of(login),
                "gatehouse user=" + person + " session=" + sessionId, validity).withExtensions(extensions));
    }

    /** Signs {@code hostKey} as target {@code hostName}: what the bastion presents in ProxyJump mode. */
    public IssuedCertificate issueHostCertificate(PublicKey hostKey, String hostName, Duration validity) {
        return issueHostCertificate(hostKey, List.of(hostName), validity);
    }

    /** Signs {@code hostKey} for every name in {@code principals}: the bastion's own names, or a target's. */
    public IssuedCertificate issueHostCertificate(PublicKey hostKey, List<String> principals, Duration validity) {
        return hostCa.issueHost(new HostCertificateRequest(hostKey, principals, validity));
    }
}
