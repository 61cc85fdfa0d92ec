package dev.gatehouse.testkit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pairs made in the JVM, for tests that need a key but not a file ({@link SshKeys} makes OpenSSH key files). */
public final class TestKeys {

    private TestKeys() {
    }

    /** A fresh ECDSA P-256 key pair: what the gateway's CAs, agents and TLS certificates use. */
    public static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make ECDSA P-256 keys", e);
        }
    }
}
