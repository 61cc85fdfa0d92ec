package dev.gatehouse.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it: tests wait for what they need, never for a fixed time. */
public final class Await {

    /** How long {@link #until(String, BooleanSupplier)} waits: generous, the test machine is shared. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #PATIENCE}. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, PATIENCE, condition);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code patience}. */
    public static void until(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        value(what, patience, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** Polls {@code probe} until it gives a value, and returns that; fails naming {@code what} after {@code patience}. */
    public static <T> T value(String what, Duration patience, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + patience.toSeconds() + " s: " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
