package dev.gatehouse.pki.seal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Turns a key pair (Ed25519, ECDSA or RSA) into bytes and back, so the control plane can store CA keys through
 * {@link SecretSealer}. Layout: version byte {@code 1}, then the PKCS#8 private key and the X.509 SubjectPublicKeyInfo,
 * each with a 4-byte length. Decoding checks that both halves belong together.
 */
public final class PrivateKeys {

    private static final byte VERSION = 1;
    private static final int MAX_PART_BYTES = 64 * 1024;
    private static final Map<String, String> ALGORITHMS_BY_OID = Map.of(
            "1.3.101.112", "Ed25519",
            "1.2.840.10045.2.1", "EC",
            "1.2.840.113549.1.1.1", "RSA");
    private static final Map<String, String> SIGNATURES = Map.of(
            "Ed25519", "Ed25519",
            "EC", "SHA256withECDSA",
            "RSA", "SHA256withRSA");

    private PrivateKeys() {
    }

    public static byte[] encode(KeyPair keyPair) {
        Objects.requireNonNull(keyPair, "keyPair");
        byte[] privateKey = requireEncoded(keyPair.getPrivate().getEncoded(), "PKCS#8", keyPair.getPrivate());
        byte[] publicKey = requireEncoded(keyPair.getPublic().getEncoded(), "X.509", keyPair.getPublic());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(privateKey.length);
            out.write(privateKey);
            out.writeInt(publicKey.length);
            out.write(publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads bytes made by {@link #encode}. Keys come back as the JDK's own classes.
     *
     * @throws IllegalArgumentException when the bytes are not an encoded key pair or the halves do not match
     */
    public static KeyPair decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown encoded key pair version " + version);
            }
            byte[] privateBytes = readPart(in, "private key");
            byte[] publicBytes = readPart(in, "public key");
            if (in.available() > 0) {
                throw new IllegalArgumentException("the encoded key pair has trailing bytes");
            }
            String algorithm = algorithmOf(publicBytes);
            KeyFactory factory = KeyFactory.getInstance(algorithm);
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(publicBytes));
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(privateBytes));
            KeyPair pair = new KeyPair(publicKey, privateKey);
            requireMatching(pair, algorithm);
            return pair;
        } catch (IOException e) {
            throw new IllegalArgumentException("the encoded key pair is truncated", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the encoded key pair is not readable: " + e.getMessage(), e);
        }
    }

    private static byte[] readPart(DataInputStream in, String what) throws IOException {
        int length = in.readInt();
        if (length <= 0 || length > MAX_PART_BYTES) {
            throw new IllegalArgumentException("the encoded " + what + " has an impossible length " + length);
        }
        byte[] part = in.readNBytes(length);
        if (part.length != length) {
            throw new IllegalArgumentException("the encoded " + what + " is truncated");
        }
        return part;
    }

    private static String algorithmOf(byte[] publicKey) {
        String oid;
        try {
            oid = SubjectPublicKeyInfo.getInstance(publicKey).getAlgorithm().getAlgorithm().getId();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the encoded public key is not an X.509 SubjectPublicKeyInfo", e);
        }
        String algorithm = ALGORITHMS_BY_OID.get(oid);
        if (algorithm == null) {
            throw new IllegalArgumentException("unsupported key algorithm " + oid + "; Ed25519, EC and RSA are read");
        }
        return algorithm;
    }

    /** A signature made with the private half must verify with the public half, or the pair was mixed up. */
    private static void requireMatching(KeyPair pair, String algorithm) throws GeneralSecurityException {
        byte[] probe = "gatehouse key pair check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(SIGNATURES.get(algorithm));
        signer.initSign(pair.getPrivate());
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(SIGNATURES.get(algorithm));
        verifier.initVerify(pair.getPublic());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new IllegalArgumentException("the encoded private and public keys do not belong together");
        }
    }

    private static byte[] requireEncoded(byte[] encoded, String format, Key key) {
        if (encoded == null) {
            throw new IllegalArgumentException("the " + key.getAlgorithm() + " key cannot be exported in " + format
                    + " form (is it held in a hardware token?)");
        }
        return encoded;
    }
}
