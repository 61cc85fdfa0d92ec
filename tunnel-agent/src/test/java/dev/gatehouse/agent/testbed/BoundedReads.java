package dev.gatehouse.agent.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking reads from a tunnel stream with a bound: a stalled stream fails the test with a message naming the read,
 * instead of waiting for the test timeout. The bound is generous (the machine is shared); it is no speed check.
 */
public final class BoundedReads {

    public static final Duration BOUND = Duration.ofSeconds(60);

    private BoundedReads() {
    }

    /** Exactly {@code n} bytes as ASCII text (fewer if the stream ends first). */
    public static String readExactly(InputStream in, int n) throws IOException {
        return new String(within(n + " bytes", () -> in.readNBytes(n)), StandardCharsets.US_ASCII);
    }

    /** Everything until the peer finishes. */
    public static byte[] readAll(InputStream in) throws IOException {
        return within("the rest of the stream", in::readAllBytes);
    }

    /** One byte, or -1 at the end; a broken stream's {@link IOException} comes through as it is. */
    public static int read(InputStream in) throws IOException {
        return within("one byte", in::read);
    }

    private static <T> T within(String what, Callable<T> read) throws IOException {
        FutureTask<T> task = new FutureTask<>(read);
        Thread.ofVirtual().name("bounded-read").start(task);
        try {
            return task.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new AssertionError("the tunnel stream stalled: no " + what + " within " + BOUND.toSeconds() + " s");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while reading " + what + " from the tunnel stream", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new AssertionError("reading " + what + " from the tunnel stream failed", e.getCause());
        }
    }
}
