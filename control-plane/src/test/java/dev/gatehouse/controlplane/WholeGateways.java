package dev.gatehouse.controlplane;

import java.security.SecureRandom;
import java.util.Base64;

/** For tests that start whole gateways beside each other on one database (their own Spring contexts). */
public final class WholeGateways {

    private WholeGateways() {}

    /** A master key for gateways that share a database, and so the CA keys sealed in it. */
    public static String randomMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
