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
    OpenSshCertificate issueUserCertificate(GatewayUser user, String login, String sessionId, PublicKey sessionKey);

    /** A host certificate for {@code hostKey} with the given principals (gateway names, or a target's name). */
    OpenSshCertificate issueHostCertificate(List<String> principals, PublicKey hostKey);
}
