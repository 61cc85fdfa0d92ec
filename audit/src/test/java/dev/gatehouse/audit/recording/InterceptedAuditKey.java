package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.chain.AuditKey;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Optional;

/**
 * A real Ed25519 audit key whose private half runs {@code beforeSigning} each time a signature is made, on the
 * signing thread (the recorder's worker): to make that thread wait, or throw what a test needs.
 */
final class InterceptedAuditKey {

    private InterceptedAuditKey() {
    }

    static AuditKey create(Runnable beforeSigning) throws GeneralSecurityException {
        KeyPair real = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        EdECPrivateKey realKey = (EdECPrivateKey) real.getPrivate();
        EdECPrivateKey intercepted = new EdECPrivateKey() {
            @Override
            public Optional<byte[]> getBytes() {
                beforeSigning.run();
                return realKey.getBytes();
            }

            @Override
            public NamedParameterSpec getParams() {
                return realKey.getParams();
            }

            @Override
            public String getAlgorithm() {
                return realKey.getAlgorithm();
            }

            @Override
            public String getFormat() {
                return realKey.getFormat();
            }

            @Override
            public byte[] getEncoded() {
                return realKey.getEncoded();
            }
        };
        return AuditKey.of(new KeyPair(real.getPublic(), intercepted));
    }
}
