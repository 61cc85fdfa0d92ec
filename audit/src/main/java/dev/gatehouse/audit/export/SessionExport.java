package dev.gatehouse.audit.export;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.AuditSink;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.recording.ChannelStream;
import dev.gatehouse.audit.recording.StreamsReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A session's recording as asciicast or plain-text transcript, its events as JSON lines, and (for a channel without a
 * terminal) each of stdin, stdout and stderr as the bytes that passed, each with a signed
 * {@link Manifest}. Every view or export is itself recorded as an audit event (who looked at which recording).
 */
public final class SessionExport {

    /** What can be exported. */
    public enum Format {
        ASCIICAST("application/x-asciicast", "cast"),
        TRANSCRIPT("text/plain; charset=utf-8", "txt"),
        EVENTS("application/x-ndjson", "jsonl"),
        /** The bytes of one stream of a channel recorded without a terminal, exactly as they passed. */
        STDIN("application/octet-stream", "stdin"),
        STDOUT("application/octet-stream", "stdout"),
        STDERR("application/octet-stream", "stderr");

        private final String contentType;
        private final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }
    }

    /** An exported file and its signed manifest. */
    public record Exported(byte[] content, String manifest, String contentType, String fileName) {
    }

    private final PostgresAuditStore store;
    private final BlobStore blobs;
    private final AuditKey key;
    private final AuditSink accessLog;

    /** {@code accessLog} receives the {@code recording.viewed} / {@code recording.exported} events. */
    public SessionExport(PostgresAuditStore store, BlobStore blobs, AuditKey key, AuditSink accessLog) {
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.key = Objects.requireNonNull(key, "key");
        this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
    }

    /**
     * The recording for playback (the console, {@code GET /sessions/{id}/recording}), logged once as
     * {@code recording.viewed} here, before a byte is read, so a view broken off half-way is still on record.
     * Throws {@link NoSuchElementException} when the session has no stored recording (none, or deleted by retention).
     */
    public Playback view(String sessionId, String actor, String sourceAddress) {
        List<StoredAuditEvent> chunks = chunkEvents(sessionId);
        if (blobs.list("sessions/" + sessionId + "/").isEmpty()) {
            throw new NoSuchElementException("the recording of session " + sessionId + " is no longer stored");
        }
        List<String> keys = new ArrayList<>();
        long bytes = 0;
        for (StoredAuditEvent c : chunks) {
            keys.add(String.valueOf(c.event().details().get("key")));
            bytes += c.event().details().get("bytes") instanceof Number n ? n.longValue() : 0;
        }
        accessLog.record(AuditEvent.builder("recording.viewed").actor(actor).sourceAddress(sourceAddress)
                .target(sessionId).sessionId(sessionId).detail("format", "asciicast").detail("bytes", bytes).build());
        return new Playback(blobs, sessionId, keys, bytes);
    }

    /**
     * A recording ready to stream: the asciicast is its chunks in index order (the first carries the header), so it
     * is written chunk by chunk, with one chunk in memory at a time, whatever the session's length.
     */
    public static final class Playback {

        private final BlobStore blobs;
        private final String sessionId;
        private final List<String> keys;
        private final long bytes;

        private Playback(BlobStore blobs, String sessionId, List<String> keys, long bytes) {
            this.blobs = blobs;
            this.sessionId = sessionId;
            this.keys = List.copyOf(keys);
            this.bytes = bytes;
        }

        /** The size the chunk events record. */
        public long bytes() {
            return bytes;
        }

        /**
         * Writes the chunks in order, flushing after each, so a reader receives the recording as it is read. A binary
         * streams recording is written as the JSON lines of the first streams version, which the console reads.
         */
        public void writeTo(OutputStream out) throws IOException {
            StreamsLines lines = null;
            for (String key : keys) {
                byte[] chunk = blobs.get(key).orElseThrow(() -> new IOException("chunk " + key + " of session "
                        + sessionId + " is missing from the blob store"));
                if (key.equals(keys.getFirst()) && StreamsReader.version(chunk) == StreamsReader.BINARY) {
                    lines = new StreamsLines(sessionId);
                }
                out.write(lines == null ? chunk : lines.chunk(chunk));
                out.flush();
            }
        }
    }

    /** Exports one session in a format, with its manifest; logged as an export. */
    public Exported export(String sessionId, Format format, String actor, String sourceAddress) {
        List<StoredAuditEvent> events = sessionEvents(sessionId, null);
        if (events.isEmpty()) {
            throw new NoSuchElementException("no session " + sessionId);
        }
        List<StoredAuditEvent> chunks = events.stream()
                .filter(e -> e.event().type().equals("recording.chunk")).toList();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("format", format.name().toLowerCase(Locale.ROOT));
        fields.put("sessionId", sessionId);
        fields.put("exportedAt", Instant.now().toString());
        fields.put("exportedBy", actor);
        StoredAuditEvent last = events.getLast();
        fields.put("chainEventId", last.id());
        fields.put("chainHash", last.hashHex());
        byte[] content = switch (format) {
            case ASCIICAST -> {
                List<Map<String, Object>> list = new ArrayList<>();
                for (StoredAuditEvent c : chunks) {
                    list.add(Map.of("index", c.event().details().get("index"),
                            "bytes", c.event().details().get("bytes"), "sha256", c.event().details().get("sha256")));
                }
                fields.put("chunks", list);
                yield asciicast(sessionId, chunks);
            }
            case TRANSCRIPT -> Transcript.of(asLines(sessionId, asciicast(sessionId, chunks)))
                    .getBytes(StandardCharsets.UTF_8);
            case EVENTS -> jsonLines(events);
            case STDIN, STDOUT, STDERR -> StreamsFile.stream(sessionId, asciicast(sessionId, chunks),
                    ChannelStream.valueOf(format.name()));
        };
        String manifest = Manifest.sign(key, fields, content);
        accessLog.record(AuditEvent.builder("recording.exported").actor(actor).sourceAddress(sourceAddress)
                .target(sessionId).sessionId(sessionId).detail("format", fields.get("format"))
                .detail("bytes", content.length).build());
        return new Exported(content, manifest, format.contentType,
                sessionId + "." + format.extension);
    }

    /** One JSON object per line, the form the SIEM sinks use too. */
    public static byte[] jsonLines(List<StoredAuditEvent> events) {
        StringBuilder out = new StringBuilder();
        for (StoredAuditEvent e : events) {
            out.append(CanonicalJson.write(jsonObject(e))).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON object of a stored event (ECS-like flat names). */
    public static Map<String, Object> jsonObject(StoredAuditEvent s) {
        AuditEvent e = s.event();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("type", e.type());
        m.put("time", e.time().toString());
        m.put("actor", e.actor());
        m.put("sourceAddress", e.sourceAddress());
        m.put("target", e.target());
        m.put("outcome", e.outcome());
        m.put("sessionId", e.sessionId());
        m.put("sessionSeq", s.sessionSeq());
        m.put("details", e.details());
        m.put("hash", s.hashHex());
        return m;
    }

    private List<StoredAuditEvent> chunkEvents(String sessionId) {
        List<StoredAuditEvent> chunks = sessionEvents(sessionId, "recording.chunk");
        if (chunks.isEmpty()) {
            throw new NoSuchElementException("no recording for session " + sessionId);
        }
        return chunks;
    }

    /** The session's events of {@code type} (all when null), in chain order. */
    private List<StoredAuditEvent> sessionEvents(String sessionId, String type) {
        List<StoredAuditEvent> all = new ArrayList<>();
        Long after = null;
        while (true) {
            List<StoredAuditEvent> page = store.search(AuditEventQuery.builder().sessionId(sessionId).type(type)
                    .limit(AuditEventQuery.MAX_LIMIT).afterId(after).build());
            all.addAll(page);
            if (page.size() < AuditEventQuery.MAX_LIMIT) {
                return all;
            }
            after = page.getLast().id();
        }
    }

    /** A binary streams recording as JSON lines (the transcript reads lines); any other as it is. */
    private static byte[] asLines(String sessionId, byte[] recording) {
        return StreamsReader.version(recording) == StreamsReader.BINARY
                ? new StreamsLines(sessionId).chunk(recording) : recording;
    }

    private byte[] asciicast(String sessionId, List<StoredAuditEvent> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StoredAuditEvent c : chunks) {
            String chunkKey = String.valueOf(c.event().details().get("key"));
            out.writeBytes(blobs.get(chunkKey).orElseThrow(() -> new NoSuchElementException(
                    "chunk " + c.event().details().get("index") + " of session " + sessionId + " is missing")));
        }
        return out.toByteArray();
    }
}
