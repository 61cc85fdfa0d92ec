package dev.gatehouse.pki.ssh;

import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a user certificate says: whose key, which logins (principals) it opens, who and which session it names (key id),
 * for how long, with which extensions and critical options.
 *
 * @param subject         the key the certificate certifies (the bastion's per-session key)
 * @param principals      the target logins, e.g. {@code root}; at least one
 * @param keyId           names the person and the session, e.g. {@code alice session=01J...}; sshd logs it
 * @param validity        how long from now the certificate is valid (start is backdated for clock skew)
 * @param extensions      OpenSSH extensions, e.g. {@code permit-pty}; values are usually empty
 * @param criticalOptions OpenSSH critical options, e.g. {@code source-address}
 */
public record UserCertificateRequest(PublicKey subject, List<String> principals, String keyId, Duration validity,
        Map<String, String> extensions, Map<String, String> criticalOptions) {

    /** Extensions given unless others are asked for: a terminal and port forwarding, nothing else. */
    public static final Map<String, String> DEFAULT_EXTENSIONS =
            Map.of("permit-pty", "", "permit-port-forwarding", "");

    public UserCertificateRequest {
        Objects.requireNonNull(subject, "subject");
        principals = CertificateFields.principals(principals);
        keyId = CertificateFields.text(keyId, "key id");
        validity = CertificateFields.validity(validity);
        extensions = CertificateFields.options(extensions, "extension");
        criticalOptions = CertificateFields.options(criticalOptions, "critical option");
    }

    /** A request with the {@link #DEFAULT_EXTENSIONS} and no critical options. */
    public static UserCertificateRequest of(PublicKey subject, List<String> principals, String keyId,
            Duration validity) {
        return new UserCertificateRequest(subject, principals, keyId, validity, DEFAULT_EXTENSIONS, Map.of());
    }

    public UserCertificateRequest withExtensions(Map<String, String> replacement) {
        return new UserCertificateRequest(subject, principals, keyId, validity, replacement, criticalOptions);
    }

    public UserCertificateRequest withCriticalOptions(Map<String, String> replacement) {
        return new UserCertificateRequest(subject, principals, keyId, validity, extensions, replacement);
    }
}
