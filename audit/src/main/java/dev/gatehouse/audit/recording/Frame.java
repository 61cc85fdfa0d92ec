package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.events.AuditEvent;

/** What a recording hands to the worker: copied data plus the monotonic time it happened. */
sealed interface Frame {

    long nanos();

    /** Approximate bytes it holds, for the queue's memory budget. */
    default int size() {
        return 64;
    }

    record Output(long nanos, ChannelStream stream, byte[] data) implements Frame {
        @Override
        public int size() {
            return 64 + data.length;
        }
    }

    /** Stdin; {@code kept} false: only for finding commands (a terminal's keystrokes with input recording off). */
    record Input(long nanos, byte[] data, boolean kept) implements Frame {
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

    /** A labelled place in the recording, and the event that explains it. */
    record Marker(long nanos, String label, AuditEvent event) implements Frame {
        @Override
        public int size() {
            return 512 + 2 * label.length();
        }
    }

    /** Frames counted but not kept (a recording's backlog was full while the worker was behind), and why. */
    record Omitted(long nanos, long bytes, String reason) implements Frame {
    }

    /** The session's budget of kept bytes was reached: later bytes are only counted and hashed. */
    record Truncated(long nanos, long budget) implements Frame {
    }

    /** The end, with every stream's totals (counted and hashed on the session's own threads). */
    record End(long nanos, SessionEnd end, java.util.List<StreamTally> tallies) implements Frame {
    }

    record Begin(long nanos, SessionStart start) implements Frame {
    }
}
