package dev.gatehouse.audit.events;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows of {@code audit_events} streamed to PostgreSQL as one binary {@code COPY}: no SQL text or arrays to build and
 * parse, no text-to-timestamp casts, and the rows flow to the server while later ones are still being hashed. Needs
 * only INSERT on the table, like the INSERT it replaces. Started on the first row; {@link #finish} ends it.
 */
final class EventCopy implements AutoCloseable {

    static final String COPY = "COPY audit_events (id, type, time, actor, source_address, target, outcome, session_id,"
            + " details, session_seq, session_prev_hash, session_hash, prev_hash, hash) FROM STDIN (FORMAT binary)";
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    private static final short FIELDS = 14;
    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final int FLUSH_AT = 64 << 10;

    private final Connection connection;
    private CopyIn copy;
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int len;
    private int rows;

    EventCopy(Connection connection) {
        this.connection = connection;
    }

    /** One row; the session columns may be null. */
    void row(long id, AuditEvent e, String details, Long sessionSeq, byte[] sessionPrev, byte[] sessionHash,
            byte[] prev, byte[] hash) throws SQLException {
        if (copy == null) {
            copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
            put(HEADER);
        }
        putShort(FIELDS);
        putLong(id);
        putText(e.type());
        putLong(micros(e.time()));
        putText(e.actor());
        putText(e.sourceAddress());
        putText(e.target());
        putText(e.outcome());
        putText(e.sessionId());
        putText(details);
        if (sessionSeq == null) {
            putInt(-1);
        } else {
            putLong(sessionSeq);
        }
        putBytes(sessionPrev);
        putBytes(sessionHash);
        putBytes(prev);
        putBytes(hash);
        rows++;
        if (len >= FLUSH_AT) {
            flush();
        }
    }

    /** Ends the copy; returns the rows the server stored. */
    int finish() throws SQLException {
        if (copy == null) {
            return 0;
        }
        putShort((short) -1);
        flush();
        long stored = copy.endCopy();
        copy = null;
        if (stored != rows) {
            throw new SQLException("COPY stored " + stored + " of " + rows + " audit events");
        }
        return rows;
    }

    /** Abandons a copy that did not finish, so the connection can roll back. */
    @Override
    public void close() throws SQLException {
        if (copy != null && copy.isActive()) {
            copy.cancelCopy();
        }
        copy = null;
    }

    private static long micros(Instant time) throws SQLException {
        try {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L),
                    time.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new SQLException("timestamp out of range: " + time, "22008");
        }
    }

    private void flush() throws SQLException {
        copy.writeToCopy(buf, 0, len);
        len = 0;
    }

    private void putText(String s) {
        putBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private void putBytes(byte[] b) {
        if (b == null) {
            putInt(-1);
            return;
        }
        putInt(b.length);
        put(b);
    }

    private void put(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void putShort(short v) {
        room(2);
        buf[len++] = (byte) (v >> 8);
        buf[len++] = (byte) v;
    }

    private void putInt(int v) {
        room(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >> shift);
        }
    }

    private void putLong(long v) {
        putInt(8);
        room(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >> shift);
        }
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
