package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.access.Forwarding;
import dev.gatehouse.sshproxy.access.GatewayUser;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** The bastion's certificates from the control plane's SSH CAs, in-process. */
final class ControlPlaneCertificateIssuer implements CertificateIssuer {

    /** Long enough for a slow key exchange and login, far shorter than the CA's five-minute ceiling. */
    static final Duration SESSION_CERTIFICATE_VALIDITY = Duration.ofMinutes(2);
    /** The bastion asks again on every start and for every ProxyJump; a day keeps a stolen one short-lived. */
    static final Duration HOST_CERTIFICATE_VALIDITY = Duration.ofDays(1);

    private final CertificateAuthorities authorities;

    ControlPlaneCertificateIssuer(CertificateAuthorities authorities) {
        this.authorities = Objects.requireNonNull(authorities, "authorities");
    }

    @Override
    public OpenSshCertificate issueUserCertificate(GatewayUser user, String login, String sessionId, PublicKey sessionKey,
            Forwarding forwarding) {
        // The target refuses on its own what the roles do not grant: a second check behind the bastion's.
        return authorities.issueSessionCertificate(sessionKey, user.username(), sessionId, login,
                SESSION_CERTIFICATE_VALIDITY, forwarding.port(), forwarding.agent()).certificate();
    }

    @Override
    public OpenSshCertificate issueHostCertificate(List<String> principals, PublicKey hostKey) {
        return authorities.issueHostCertificate(hostKey, principals, HOST_CERTIFICATE_VALIDITY).certificate();
    }
}
