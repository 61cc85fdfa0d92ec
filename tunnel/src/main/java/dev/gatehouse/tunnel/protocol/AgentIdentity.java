package dev.gatehouse.tunnel.protocol;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who an agent is: its name within an agent network. Carried in the agent certificate's subject as
 * {@code CN=<agentId>@<network>}; the enrollment side sets it from the join token, never from the CSR.
 */
public record AgentIdentity(String network, String agentId) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public AgentIdentity {
        requireName("network", network);
        requireName("agent name", agentId);
    }

    /** Checks a network or agent name: lower-case letters, digits, '.', '_' and '-', 1 to 63 characters. */
    public static String requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + (value == null ? "" : TunnelHeaders.printable(value))
                    + "' is invalid: use 1 to 63 of a-z 0-9 . _ - starting with a letter or digit");
        }
        return value;
    }

    public String commonName() {
        return agentId + "@" + network;
    }

    /** Reads the identity from an agent certificate; the message says what is missing. */
    public static AgentIdentity fromCertificate(X509Certificate certificate) {
        String dn = certificate.getSubjectX500Principal().getName();
        try {
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    String cn = rdn.getValue().toString();
                    int at = cn.lastIndexOf('@');
                    if (at <= 0) {
                        break;
                    }
                    return new AgentIdentity(cn.substring(at + 1), cn.substring(0, at));
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("certificate subject is not a valid name", e);
        }
        throw new IllegalArgumentException("certificate subject '" + TunnelHeaders.printable(dn)
                + "' is not an agent identity (CN=<agent>@<network>)");
    }

    @Override
    public String toString() {
        return commonName();
    }
}
