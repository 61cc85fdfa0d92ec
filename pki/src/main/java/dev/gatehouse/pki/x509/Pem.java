package dev.gatehouse.pki.x509;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM text for certificates, keys and CSRs, the form operators copy around and tools like openssl read. */
public final class Pem {

    private Pem() {
    }

    /** {@code -----BEGIN CERTIFICATE-----} text, one block per certificate, in order. */
    public static String encode(X509Certificate... certificates) {
        return write(writer -> {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        });
    }

    /** {@code -----BEGIN PRIVATE KEY-----} (unencrypted PKCS#8): keep it in a file only its owner reads. */
    public static String encode(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        return write(writer -> writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded())));
    }

    /** {@code -----BEGIN PUBLIC KEY-----} (X.509 SubjectPublicKeyInfo). */
    public static String encode(PublicKey key) {
        Objects.requireNonNull(key, "key");
        return write(writer -> writer.writeObject(new PemObject("PUBLIC KEY", key.getEncoded())));
    }

    /** {@code -----BEGIN CERTIFICATE REQUEST-----} from PKCS#10 DER. */
    public static String encodeCsr(byte[] der) {
        Objects.requireNonNull(der, "der");
        return write(writer -> writer.writeObject(new PemObject("CERTIFICATE REQUEST", der)));
    }

    /** Every certificate in the text, in order; at least one. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : objects(pem)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("a PEM certificate is not readable: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("the PEM text holds no CERTIFICATE block");
        }
        return List.copyOf(certificates);
    }

    /** The first certificate in the text. */
    public static X509Certificate certificate(String pem) {
        return certificates(pem).get(0);
    }

    /** The private key in a {@code PRIVATE KEY} (PKCS#8) or {@code EC PRIVATE KEY} block. */
    public static PrivateKey privateKey(String pem) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object : objects(pem)) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("the PEM private key is not readable: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("the PEM text holds no unencrypted PRIVATE KEY block");
    }

    /** The PKCS#10 request in a {@code CERTIFICATE REQUEST} block, as DER. */
    public static byte[] csr(String pem) {
        for (Object object : objects(pem)) {
            if (object instanceof PKCS10CertificationRequest request) {
                try {
                    return request.getEncoded();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new InvalidCsrException("the PEM text holds no CERTIFICATE REQUEST block");
    }

    static boolean looksLikePem(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        return bytes.length - i >= 5 && bytes[i] == '-' && bytes[i + 1] == '-' && bytes[i + 2] == '-';
    }

    private static List<Object> objects(String pem) {
        Objects.requireNonNull(pem, "pem");
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the PEM text is malformed: " + e.getMessage(), e);
        }
        return objects;
    }

    private interface PemBody {
        void writeTo(JcaPEMWriter writer) throws IOException;
    }

    private static String write(PemBody body) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            body.writeTo(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
