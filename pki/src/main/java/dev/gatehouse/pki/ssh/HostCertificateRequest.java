package dev.gatehouse.pki.ssh;

import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a host certificate says: which host key, under which host names, for how long.
 *
 * @param hostKey    the host's public key
 * @param principals the names clients use for the host, e.g. {@code web-01}; at least one
 * @param validity   how long from now the certificate is valid (start is backdated for clock skew)
 */
public record HostCertificateRequest(PublicKey hostKey, List<String> principals, Duration validity) {

    public HostCertificateRequest {
        Objects.requireNonNull(hostKey, "hostKey");
        principals = CertificateFields.principals(principals);
        validity = CertificateFields.validity(validity);
    }
}
