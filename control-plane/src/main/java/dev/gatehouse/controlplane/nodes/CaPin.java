package dev.gatehouse.controlplane.nodes;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** The hex SHA-256 of a CA certificate's DER: carried in a node token, checked by the node before it sends it. */
public final class CaPin {

    private CaPin() {}

    public static String of(X509Certificate ca) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the CA certificate: " + e.getMessage(), e);
        }
    }

    /** The pin a node token ends with ({@code gh_node_<secret>.<pin>}); null when it has none. */
    public static String inToken(String token) {
        int dot = token.lastIndexOf('.');
        String pin = dot < 0 ? "" : token.substring(dot + 1);
        return pin.matches("[0-9a-f]{64}") ? pin : null;
    }
}
