package dev.gatehouse.audit.recording;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainHash;
import dev.gatehouse.audit.chain.Checkpoints;
import dev.gatehouse.audit.chain.SessionLink;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.events.LinkedEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The worker's state for one session: the recording being written (asciicast on a terminal, {@link StreamsWriter}'s
 * binary frames without one), the chunk being filled, the command finder and the session's own hash chain.
 * Single-threaded (the recorder's worker).
 */
final class SessionTape {

    /** Output text kept per chunk for full-text search (tsvector values must stay under 1 MB). */
    private static final int MAX_SEARCH_TEXT = 256 << 10;

    private final SessionStart start;
    private final long startNanos;
    private final RecorderSettings settings;
    private final AuditKey key;
    private final Consumer<Evidence> out;
    private final AsciicastWriter cast = new AsciicastWriter();
    /** Null on a terminal. */
    private final StreamsWriter streams;
    private final CommandExtractor commands = new CommandExtractor();
    /** Every stream's SHA-256 over all its bytes, kept or not (none for a terminal's unkept keystrokes). */
    private final MessageDigest[] digests = new MessageDigest[ChannelStream.values().length];
    private final StringBuilder chunk = new StringBuilder();
    /** Each stream's text apart, so a word split between two frames is not cut by the other streams' text. */
    private final StringBuilder[] chunkText = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    private int chunkTextLength;
    private long chunkOpenedNanos;
    private int chunkIndex;
    private int commandSeq;
    private long seq;
    private byte[] prev = ChainHash.genesis();
    private long checkpointedSeq;
    private boolean ended;

    SessionTape(SessionStart start, long startNanos, RecorderSettings settings, AuditKey key, Consumer<Evidence> out) {
        this.start = start;
        this.startNanos = startNanos;
        this.settings = settings;
        this.key = key;
        this.out = out;
        this.streams = start.term() == null ? new StreamsWriter() : null;
        boolean keepInput = QueuedRecording.keeps(start, settings);
        for (ChannelStream stream : ChannelStream.values()) {
            digests[stream.ordinal()] = stream == ChannelStream.STDIN && !keepInput ? null : sha256();
        }
    }

    String sessionId() {
        return start.sessionId();
    }

    boolean ended() {
        return ended;
    }

    void begin() {
        out.accept(new Evidence.Opened(start, settings.recorderId()));
        link(event("session.started").time(start.startedAt())
                .detail("login", start.login()).detail("host", start.host()).detail("network", start.network())
                .detail("kind", start.kind().wireName()).detail("term", start.term())
                .detail("cols", start.cols()).detail("rows", start.rows()).detail("command", start.command())
                .detail("recorder", settings.recorderId()).build());
        if (streams == null) {
            chunk.append(AsciicastWriter.header(start));
        } else {
            streams.header(start);
        }
        chunkOpenedNanos = startNanos;
        if (start.command() != null) {
            command(start.command(), startNanos, "exec", false);
        }
    }

    void apply(Frame f) {
        long t = Math.max(0, f.nanos() - startNanos);
        switch (f) {
            case Frame.Output o -> {
                digests[o.stream().ordinal()].update(o.data());
                if (streams != null) {
                    searchText(o.stream(), streams.data(t, o.stream(), o.data(), wantsText()));
                } else {
                    String text = cast.output(t, o.data(), chunk);
                    searchText(ChannelStream.STDOUT, text);
                    commands.output(text, f.nanos());
                    foundCommands();
                }
            }
            case Frame.Input i -> {
                if (i.kept()) {
                    digests[ChannelStream.STDIN.ordinal()].update(i.data());
                }
                if (streams != null) {
                    searchText(ChannelStream.STDIN, streams.data(t, ChannelStream.STDIN, i.data(), wantsText()));
                } else {
                    commands.input(i.data(), f.nanos());
                    if (i.kept()) {
                        cast.input(t, i.data(), chunk);
                    }
                }
            }
            case Frame.Resize r -> {
                if (streams == null) {
                    cast.resize(t, r.cols(), r.rows(), chunk); // a streams recording has no terminal to resize
                }
                link(event("session.resized").detail("cols", r.cols()).detail("rows", r.rows()).build());
            }
            case Frame.Command c -> command(c.line(), f.nanos(), "bastion", false);
            // An event handed to this recording belongs to this session's chain, whatever id it carried.
            case Frame.Event e -> link(start.sessionId().equals(e.event().sessionId())
                    ? e.event() : rebind(e.event()));
            case Frame.Marker m -> {
                marker(t, m.label());
                link(start.sessionId().equals(m.event().sessionId()) ? m.event() : rebind(m.event()));
            }
            case Frame.Omitted o -> {
                String label = "gatehouse: not recorded: " + o.reason();
                marker(t, label);
                link(event("recording.summarised").detail("bytes", o.bytes()).detail("reason", o.reason())
                        .detail("offsetMillis", t / 1_000_000).build());
            }
            case Frame.Truncated b -> {
                String label = "gatehouse: the recording keeps the first " + b.budget() + " bytes of this session"
                        + " (maxBytesPerSession); later bytes of every stream are counted and hashed, not kept";
                marker(t, label);
                link(event("recording.truncated").detail("budget", b.budget()).detail("reason", "maxBytesPerSession")
                        .detail("offsetMillis", t / 1_000_000).build());
            }
            case Frame.Hashed h -> digests[h.stream().ordinal()].update(h.data());
            case Frame.End e -> finish(e.end(), hashes(e.tallies()));
            case Frame.Begin b -> {
                // handled by the worker, which creates the tape
            }
        }
        if (chunkSize() >= settings.chunkBytes()) {
            seal();
        }
    }

    /** Time-driven work: seal a chunk that has waited long enough, sign a checkpoint over new links. */
    void tick(long nowNanos) {
        if (ended) {
            return;
        }
        if (nowNanos - chunkOpenedNanos >= settings.sealInterval().toNanos()) {
            cast.flush(chunk);
            if (chunkSize() > 0) {
                seal();
            }
            chunkOpenedNanos = nowNanos;
            checkpoint();
        }
    }

    private void finish(SessionEnd end, List<StreamTally> tallies) {
        commands.finish();
        foundCommands();
        // What the user saw, kept or not.
        long outputBytes = tallies.stream().filter(x -> x.stream() != ChannelStream.STDIN)
                .mapToLong(StreamTally::bytes).sum();
        cast.flush(chunk);
        if (chunkSize() > 0 || chunkIndex == 0) {
            seal();
        }
        link(event("session.ended").time(end.endedAt()).detail("exitStatus", end.exitStatus())
                .detail("exitSignal", end.exitSignal()).detail("reason", end.reason())
                .detail("chunks", chunkIndex).detail("outputBytes", outputBytes)
                .detail("streams", streamDetails(tallies)).build());
        checkpoint();
        out.accept(new Evidence.Closed(start.sessionId(), end, "ended", chunkIndex, outputBytes));
        ended = true;
    }

    /** The recording's counts with the SHA-256 of every stream this worker hashed. */
    private List<StreamTally> hashes(List<StreamTally> counts) {
        List<StreamTally> out = new ArrayList<>(counts.size());
        for (StreamTally c : counts) {
            MessageDigest digest = digests[c.stream().ordinal()];
            out.add(new StreamTally(c.stream(), c.bytes(), c.keptBytes(),
                    digest == null ? null : HexFormat.of().formatHex(digest.digest())));
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Every stream's count, kept count and SHA-256: the whole session is accounted for, kept or not. */
    private static Map<String, Object> streamDetails(List<StreamTally> tallies) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (StreamTally tally : tallies) {
            m.put(tally.stream().wireName(), tally.details());
        }
        return m;
    }

    private void marker(long t, String label) {
        if (streams != null) {
            streams.marker(t, label);
        } else {
            cast.marker(t, label, chunk);
        }
    }

    /** Whether this chunk's search text has room left. */
    private boolean wantsText() {
        return chunkTextLength < MAX_SEARCH_TEXT;
    }

    private void searchText(ChannelStream stream, String text) {
        if (chunkTextLength < MAX_SEARCH_TEXT) {
            int n = Math.min(text.length(), MAX_SEARCH_TEXT - chunkTextLength);
            // Whole strings are appended (an array copy; StringBuilder's append of a range goes char by char, which
            // was a fifth of the worker's time on a fast binary transfer).
            chunkText[stream.ordinal()].append(searchable(n == text.length() ? text : text.substring(0, n)));
            chunkTextLength += n;
        }
    }

    /**
     * Text for the index: NUL (which PostgreSQL text cannot hold) and U+FFFD, what binary output decodes to, are no
     * words; each run of them becomes one space, so a megabyte of zeros costs the index one space, not a megabyte.
     */
    static String searchable(String text) {
        if (text.indexOf('\0') < 0 && text.indexOf('\uFFFD') < 0) {
            return text;
        }
        char[] c = text.toCharArray();
        int m = 0;
        boolean gap = false;
        for (char ch : c) {
            if (ch == '\0' || ch == '\uFFFD') {
                if (!gap) {
                    c[m++] = ' ';
                    gap = true;
                }
            } else {
                c[m++] = ch;
                gap = false;
            }
        }
        return new String(c, 0, m);
    }

    private void seal() {
        cast.flush(chunk);
        byte[] content = streams == null ? chunk.toString().getBytes(StandardCharsets.UTF_8) : streams.take();
        StringBuilder text = new StringBuilder(chunkTextLength + 2);
        for (StringBuilder b : chunkText) {
            text.append(text.isEmpty() || b.isEmpty() ? "" : "\n").append(b);
            b.setLength(0);
        }
        chunkTextLength = 0;
        out.accept(new Evidence.Chunk(start.sessionId(), chunkIndex, content, text.toString()));
        link(event("recording.chunk").detail("index", chunkIndex).detail("bytes", content.length)
                .detail("sha256", HexFormat.of().formatHex(ChainHash.sha256(content, 0, content.length)))
                .detail("key", Evidence.chunkKey(start.sessionId(), chunkIndex)).build());
        chunkIndex++;
        chunk.setLength(0);
    }

    /** Bytes (a terminal's: chars) in the chunk being filled. */
    private int chunkSize() {
        return streams == null ? chunk.length() : streams.size();
    }

    private void checkpoint() {
        if (seq == checkpointedSeq) {
            return;
        }
        String hex = HexFormat.of().formatHex(prev);
        byte[] signature = key.sign(Checkpoints.sessionStatement(start.sessionId(), seq, hex));
        long covered = seq;
        link(event("recording.checkpoint").detail("seq", covered).detail("hash", hex).detail("keyId", key.id())
                .detail("signature", Base64.getEncoder().encodeToString(signature)).build());
        checkpointedSeq = seq;
    }

    private void foundCommands() {
        for (CommandExtractor.Found c : commands.drain()) {
            command(c.line(), c.nanos(), c.source(), c.disagrees());
        }
    }

    private void command(String line, long nanos, String source, boolean disagrees) {
        long offsetMillis = Math.max(0, nanos - startNanos) / 1_000_000;
        String clean = line.length() > 8192 ? line.substring(0, 8192) : line;
        commandSeq++;
        out.accept(new Evidence.Command(start.sessionId(), commandSeq, offsetMillis, clean.replace('\0', '\uFFFD'),
                source, disagrees));
        AuditEvent.Builder event = event("session.command").detail("line", clean).detail("offsetMillis", offsetMillis)
                .detail("source", source).detail("seq", commandSeq);
        link((disagrees ? event.detail("disagrees", true) : event).build());
    }

    private AuditEvent.Builder event(String type) {
        return AuditEvent.builder(type).actor(start.user()).sourceAddress(start.sourceAddress())
                .target(target()).sessionId(start.sessionId());
    }

    private String target() {
        return start.host() == null ? null : (start.login() == null ? "" : start.login() + "@") + start.host();
    }

    private AuditEvent rebind(AuditEvent e) {
        return new AuditEvent(e.type(), e.time(), e.actor(), e.sourceAddress(), e.target(), e.outcome(),
                start.sessionId(), e.details());
    }

    private void link(AuditEvent e) {
        seq++;
        byte[] canonical = CanonicalJson.event(e);
        byte[] hash = ChainHash.link(prev, canonical);
        out.accept(new Evidence.Event(new LinkedEvent(e, new SessionLink(seq, prev, hash), canonical)));
        prev = hash;
    }

}
