package dev.gatehouse.pki.x509;

/** What a certificate issued by {@link X509CertificateAuthority} may be used for in TLS. */
public enum Usage {
    /** Client authentication only: an agent or a gateway node dialling out. */
    CLIENT,
    /** Server authentication only: a listener. */
    SERVER,
    /** Both: a node that accepts and dials with the same identity. */
    BOTH
}
