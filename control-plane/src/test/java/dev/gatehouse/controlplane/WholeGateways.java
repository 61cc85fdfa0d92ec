package dev.gatehouse.controlplane;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;

/** For tests that start whole gateways beside each other on one database (their own Spring contexts). */
public final class WholeGateways {

    private WholeGateways() {}

    /** A master key for gateways that share a database, and so the CA keys sealed in it. */
    public static String randomMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code patience}. */
    public static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + patience.toSeconds() + " s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
