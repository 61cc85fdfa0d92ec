package dev.gatehouse.pki.x509;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A node's TLS identity: its private key and certificate chain (leaf first), plus the JDK plumbing for mutual TLS 1.3
 * that trusts exactly one CA. Netty users pass {@link #privateKey()} and {@link #chain()} to {@code SslContextBuilder}.
 *
 * @param privateKey the node's private key
 * @param chain      the node's certificate first, then any intermediates (not the root)
 */
public record TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {

    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    public TlsIdentity {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS identity needs at least its own certificate");
        }
    }

    public KeyManagerFactory keyManagerFactory() {
        try {
            KeyStore store = emptyStore();
            store.setKeyEntry("identity", privateKey, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY_PASSWORD);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the TLS identity: " + e.getMessage(), e);
        }
    }

    /** Trust managers that accept only certificates issued by {@code ca} (not the JDK's public roots). */
    public static TrustManagerFactory trusting(X509Certificate ca) {
        try {
            KeyStore store = emptyStore();
            store.setCertificateEntry("ca", Objects.requireNonNull(ca, "ca"));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the trusted CA: " + e.getMessage(), e);
        }
    }

    /** A TLS 1.3 context presenting this identity and trusting only {@code ca}. */
    public SSLContext sslContext(X509Certificate ca) {
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keyManagerFactory().getKeyManagers(), trusting(ca).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS 1.3 context: " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
