package dev.gatehouse.sshproxy.access;

import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** The control plane's SSH certificate authorities, as the bastion needs them. */
public interface CertificateIssuer {

    /**
     * A user certificate for one upstream session: principal {@code login}, key id naming the person and the session,
     * valid for at most five minutes (it is only used to log in).
     */
    default OpenSshCertificate issueUserCertificate(GatewayUser user, String login, String sessionId,
                                                    PublicKey sessionKey) {
        return issueUserCertificate(user, login, sessionId, sessionKey, Forwarding.NONE);
    }

    /**
     * As above, carrying {@code permit-port-forwarding} and {@code permit-agent-forwarding} only where
     * {@code forwarding} allows them, so the target itself refuses what the roles do not grant.
     */
    OpenSshCertificate issueUserCertificate(GatewayUser user, String login, String sessionId, PublicKey sessionKey,
                                            Forwarding forwarding);

    /** A host certificate for {@code hostKey} with the given principals (gateway names, or a target's name). */
    OpenSshCertificate issueHostCertificate(List<String> principals, PublicKey hostKey);
}
