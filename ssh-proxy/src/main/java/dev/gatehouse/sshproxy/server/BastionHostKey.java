package dev.gatehouse.sshproxy.server;

import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.forward.JumpRegistry;
import dev.gatehouse.sshproxy.session.SessionKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The bastion's host key, kept in a directory across restarts, and the host certificates for it: one naming the
 * gateway, and per target name one naming that target (what a ProxyJump client expects to see for {@code web-01}).
 */
final class BastionHostKey implements HostKeyCertificateProvider {

    private static final Duration REISSUE_AFTER = Duration.ofHours(1);

    private final KeyPair keyPair;
    private final CertificateIssuer issuer;
    private final List<String> gatewayNames;
    private final Map<String, Issued> certificates = new ConcurrentHashMap<>();

    private record Issued(OpenSshCertificate certificate, Instant at) {
    }

    BastionHostKey(Path directory, CertificateIssuer issuer, List<String> gatewayNames) throws IOException {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.gatewayNames = List.copyOf(gatewayNames);
        Files.createDirectories(directory);
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(
                directory.resolve("ssh_host_ecdsa_key"));
        provider.setAlgorithm("EC");
        provider.setKeySize(256);
        List<KeyPair> keys = provider.loadKeys(null);
        if (keys.isEmpty()) {
            throw new IOException("no host key could be loaded or created in " + directory);
        }
        this.keyPair = keys.get(0);
    }

    KeyPair keyPair() {
        return keyPair;
    }

    @Override
    public Iterable<OpenSshCertificate> loadCertificates(SessionContext session) {
        JumpRegistry.Jump jump = session == null ? null : session.getAttribute(SessionKeys.JUMP);
        List<String> principals = jump != null ? List.of(jump.targetName()) : gatewayNames;
        String cacheKey = String.join(",", principals);
        Issued issued = certificates.compute(cacheKey, (k, old) ->
                old != null && old.at().plus(REISSUE_AFTER).isAfter(Instant.now()) ? old
                        : new Issued(issuer.issueHostCertificate(principals, keyPair.getPublic()), Instant.now()));
        return List.of(issued.certificate());
    }
}
