package dev.gatehouse.audit.recording;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the asynchronous recorder, validated at construction.
 *
 * @param recorderId        this bastion node's id: after a crash it marks only its own unfinished sessions interrupted
 * @param recordInput       store keystrokes as asciicast {@code i} events (off by default: they can hold passwords)
 * @param queueFrames       frames the in-memory queue holds before the policy for a full queue applies
 * @param queueBytes        bytes the queue holds at most
 * @param chunkBytes        an asciicast chunk is sealed when it reaches this size...
 * @param sealInterval      ...or this age, so a crash loses at most this much of a running session
 * @param maxBytesPerSession bytes of a session's streams kept in its recording; past it every stream is still counted
 *                          and hashed (SHA-256) into the session's sealed end, but its bytes are not kept
 */
public record RecorderSettings(String recorderId, boolean recordInput, int queueFrames, long queueBytes,
        int chunkBytes, Duration sealInterval, long maxBytesPerSession) {

    public RecorderSettings {
        Objects.requireNonNull(recorderId, "recorderId");
        positive("queueFrames", queueFrames);
        positive("queueBytes", queueBytes);
        positive("chunkBytes", chunkBytes);
        positive("maxBytesPerSession", maxBytesPerSession);
        if (sealInterval == null || sealInterval.isNegative() || sealInterval.isZero()) {
            throw new IllegalArgumentException("sealInterval must be positive, was " + sealInterval);
        }
    }

    /** Defaults: input off, 64 MiB queue, 1 MiB chunks sealed at least every 5 s, 1 GiB kept per session. */
    public static RecorderSettings defaults(String recorderId) {
        return new RecorderSettings(recorderId, false, 65_536, 64L << 20, 1 << 20, Duration.ofSeconds(5), 1L << 30);
    }

    public RecorderSettings withRecordInput(boolean value) {
        return new RecorderSettings(recorderId, value, queueFrames, queueBytes, chunkBytes, sealInterval,
                maxBytesPerSession);
    }

    public RecorderSettings withChunking(int bytes, Duration interval) {
        return new RecorderSettings(recorderId, recordInput, queueFrames, queueBytes, bytes, interval,
                maxBytesPerSession);
    }

    public RecorderSettings withMaxBytesPerSession(long bytes) {
        return new RecorderSettings(recorderId, recordInput, queueFrames, queueBytes, chunkBytes, sealInterval, bytes);
    }

    public RecorderSettings withQueue(int frames, long bytes) {
        return new RecorderSettings(recorderId, recordInput, frames, bytes, chunkBytes, sealInterval,
                maxBytesPerSession);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
