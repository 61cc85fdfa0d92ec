package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;

/** What a recording hands to the worker: copied data plus the monotonic time it happened. */
sealed interface Frame {

    long nanos();

    /** Approximate bytes it holds, for the queue's memory budget. */
    default int size() {
        return 64;
    }

    record Output(long nanos, byte[] data) implements Frame {
        @Override
        public int size() {
            return 64 + data.length;
        }
    }

    record Input(long nanos, byte[] data) implements Frame {
        @Override
        public int size() {
            return 64 + data.length;
        }
    }

    record Resize(long nanos, int cols, int rows) implements Frame {
    }

    record Command(long nanos, String line) implements Frame {
        @Override
        public int size() {
            return 64 + 2 * line.length();
        }
    }

    record Event(long nanos, AuditEvent event) implements Frame {
        @Override
        public int size() {
            return 512; // a typical event with its details: a bound for budgets, not a measurement
        }
    }

    /** Output that was counted but not kept (flood control or a full queue), and why. */
    record Omitted(long nanos, long bytes, String reason) implements Frame {
    }

    record End(long nanos, SessionEnd end) implements Frame {
    }

    record Begin(long nanos, SessionStart start) implements Frame {
    }
}
