package dev.gatehouse.audit.spool;

import dev.gatehouse.audit.recording.Evidence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's on-disk form: {@code journal.log}, records of {@code [length][crc32c][serialised evidence]}, fsync'd
 * per append; {@code journal.pos}, the offset delivered so far. Other files in the directory are left alone. A torn
 * last record (crash mid-write) is cut off; a corrupt record in the middle sets the journal aside as
 * {@code journal-<time>.corrupt} with a clear log line, and delivery carries on.
 */
final class Journal {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_RECORD = EvidenceCodec.MAX_ITEM_BYTES;

    record Batch(List<Evidence> items, long endPosition) {
    }

    private final Path dir;
    private final Path log;
    private final Path pos;
    private FileChannel channel;
    private long readPosition;
    private volatile boolean broken;

    Journal(Path dir) {
        this(dir, "journal");
    }

    Journal(Path dir, String name) {
        this.dir = dir;
        this.log = dir.resolve(name + ".log");
        this.pos = dir.resolve(name + ".pos");
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            readPosition = readSavedPosition();
            cutTornTail();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool in " + dir + ": " + e.getMessage(), e);
        }
    }

    boolean hasUndelivered() {
        try {
            return channel.size() > readPosition;
        } catch (IOException e) {
            return true;
        }
    }

    /** Bytes appended and not yet delivered (0 when unreadable). */
    synchronized long undeliveredBytes() {
        try {
            return Math.max(0, channel.size() - readPosition);
        } catch (IOException e) {
            return 0;
        }
    }

    Path path() {
        return log;
    }

    boolean broken() {
        return broken;
    }

    /** Whether a small write reaches the disk now; clears {@link #broken} when it does. */
    synchronized boolean probe() {
        Path probe = dir.resolve("probe.tmp");
        try {
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.allocate(4096));
                ch.force(false);
            }
            Files.deleteIfExists(probe);
        } catch (IOException e) {
            return false;
        }
        broken = false;
        return true;
    }

    long usableSpace() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    static long estimate(Evidence e) {
        return e instanceof Evidence.Chunk c ? c.content().length * 2L + 256 : 512;
    }

    synchronized void append(List<Evidence> items) {
        try {
            List<byte[]> bodies = new ArrayList<>(items.size());
            int total = 0;
            for (Evidence e : items) {
                byte[] body = serialise(e);
                bodies.add(body);
                total = Math.addExact(total, 8 + body.length);
            }
            // One buffer of the exact size: growing a stream's buffer copied a megabyte chunk many times over.
            ByteBuffer buf = ByteBuffer.allocate(total);
            for (byte[] body : bodies) {
                CRC32C crc = new CRC32C();
                crc.update(body);
                buf.putInt(body.length).putInt((int) crc.getValue()).put(body);
            }
            buf.flip();
            if (broken) {
                reopen();
            }
            long start = channel.size();
            long at = start;
            try {
                while (buf.hasRemaining()) {
                    at += channel.write(buf, at);
                }
                channel.force(false);
            } catch (IOException e) {
                cutBackTo(start);
                throw e;
            }
            broken = false;
        } catch (IOException e) {
            broken = true;
            throw new UncheckedIOException("cannot write the audit spool " + log + ": " + e.getMessage(), e);
        }
    }

    /** After a failed write: the file may have been replaced or the device reset, so open it afresh. */
    private void reopen() throws IOException {
        try {
            channel.close();
        } catch (IOException ignored) {
            // opening again below
        }
        channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        readPosition = Math.min(readPosition, channel.size());
    }

    /** A write that failed half-way (disk full) must not leave a torn record for the next append to follow. */
    private void cutBackTo(long size) {
        try {
            if (channel.size() > size) {
                channel.truncate(size);
            }
        } catch (IOException ignored) {
            // cutTornTail at the next start cuts it
        }
    }

    /** Up to {@code max} items from the read position; does not advance it (see {@link #delivered}). */
    synchronized Batch read(int max) {
        List<Evidence> items = new ArrayList<>();
        long at = readPosition;
        try {
            long size = channel.size();
            while (items.size() < max && at + 8 <= size) {
                ByteBuffer head = ByteBuffer.allocate(8);
                channel.read(head, at);
                int length = head.flip().getInt();
                int crc = head.getInt();
                if (length < 0 || length > MAX_RECORD || at + 8 + length > size) {
                    setAside("bad record length " + length + " at offset " + at);
                    return new Batch(items, 0);
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                channel.read(body, at + 8);
                CRC32C check = new CRC32C();
                check.update(body.array());
                if ((int) check.getValue() != crc) {
                    setAside("checksum mismatch at offset " + at);
                    return new Batch(items, 0);
                }
                try {
                    items.add(deserialise(body.array(), at));
                } catch (IOException e) {
                    setAside(e.getMessage());
                    return new Batch(items, 0);
                }
                at += 8 + length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit spool " + log + ": " + e.getMessage(), e);
        }
        return new Batch(items, at);
    }

    synchronized void delivered(long position) {
        readPosition = position;
        try {
            Path tmp = dir.resolve("journal.pos.tmp");
            Files.writeString(tmp, Long.toString(position), StandardCharsets.US_ASCII);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, pos, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Losing the position only means redelivery, which the store ignores.
            LOG.warn("cannot save the audit spool position: {}", e.getMessage());
        }
    }

    synchronized boolean fullyRead() {
        return !hasUndelivered();
    }

    /** Empties the journal once everything in it was delivered. */
    synchronized void reset() {
        try {
            channel.truncate(0);
            channel.force(true);
            Files.deleteIfExists(pos);
            readPosition = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the audit spool " + log + ": " + e.getMessage(), e);
        }
    }

    synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("cannot close the audit spool: {}", e.getMessage());
        }
    }

    private long readSavedPosition() throws IOException {
        if (!Files.exists(pos)) {
            return 0;
        }
        try {
            long p = Long.parseLong(Files.readString(pos, StandardCharsets.US_ASCII).trim());
            return p >= 0 && p <= channel.size() ? p : 0;
        } catch (NumberFormatException e) {
            LOG.warn("audit spool position file {} is unreadable; delivering the journal from its start", pos);
            return 0;
        }
    }

    /** A crash mid-append leaves a partial last record: cut it off so later appends line up. */
    private void cutTornTail() throws IOException {
        long at = readPosition;
        long size = channel.size();
        while (at + 8 <= size) {
            ByteBuffer head = ByteBuffer.allocate(8);
            channel.read(head, at);
            int length = head.flip().getInt();
            if (length < 0 || length > MAX_RECORD || at + 8 + length > size) {
                break;
            }
            at += 8 + length;
        }
        if (at < size) {
            LOG.warn("audit spool {}: cutting a torn record of {} bytes at offset {}", log, size - at, at);
            channel.truncate(at);
            channel.force(true);
        }
    }

    private void setAside(String why) throws IOException {
        Path aside = dir.resolve("journal-" + Instant.now().toEpochMilli() + ".corrupt");
        LOG.error("audit spool {} is corrupt ({}); moved to {} for inspection, delivery continues", log, why, aside);
        channel.close();
        Files.move(log, aside);
        Files.deleteIfExists(pos);
        channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        readPosition = 0;
    }

    private static byte[] serialise(Evidence e) throws IOException {
        return EvidenceCodec.encode(e);
    }

    private Evidence deserialise(byte[] body, long at) throws IOException {
        try {
            return EvidenceCodec.decode(body);
        } catch (IOException e) {
            throw new IOException("spool record at offset " + at + ": " + e.getMessage(), e);
        }
    }
}
