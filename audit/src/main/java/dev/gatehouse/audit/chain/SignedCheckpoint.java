package dev.gatehouse.audit.chain;

import dev.gatehouse.audit.events.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A signed head of the global chain: "events 1..{@code seq} hash to {@code hash}, at {@code time}". The same value is
 * a row of {@code audit_checkpoints}, an anchor in the blob store and a line on the SIEM stream.
 */
public record SignedCheckpoint(long seq, byte[] hash, Instant time, String keyId, byte[] signature) {

    private static final HexFormat HEX = HexFormat.of();

    public SignedCheckpoint {
        if (seq < 1) {
            throw new IllegalArgumentException("a checkpoint covers at least event 1, was seq " + seq);
        }
        Objects.requireNonNull(hash, "hash");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
    }

    /** Signs the chain head {@code seq}/{@code hash} at {@code time} (microseconds, as PostgreSQL keeps it). */
    public static SignedCheckpoint sign(long seq, byte[] hash, Instant time, AuditKey key) {
        Instant micros = time.truncatedTo(ChronoUnit.MICROS);
        return new SignedCheckpoint(seq, hash, micros, key.id(),
                key.sign(Checkpoints.globalStatement(seq, HEX.formatHex(hash), micros.toString())));
    }

    /** True when {@code key} made this signature over exactly these fields. */
    public boolean signedBy(AuditKey key) {
        return key.id().equals(keyId) && key.verify(Checkpoints.globalStatement(seq, HEX.formatHex(hash),
                time.toString()), signature);
    }

    public String hashHex() {
        return HEX.formatHex(hash);
    }

    /** Same seq, hash, time, key and signature (a record's equals compares arrays by identity). */
    public boolean sameAs(SignedCheckpoint other) {
        return other != null && seq == other.seq && Arrays.equals(hash, other.hash) && time.equals(other.time)
                && keyId.equals(other.keyId) && Arrays.equals(signature, other.signature);
    }

    /** The fields as an ordered map, for JSON (anchors, SIEM). */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "audit.checkpoint");
        m.put("seq", seq);
        m.put("hash", hashHex());
        m.put("time", time.toString());
        m.put("keyId", keyId);
        m.put("signature", Base64.getEncoder().encodeToString(signature));
        return m;
    }

    public byte[] json() {
        return (CanonicalJson.write(fields()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads {@link #json()}; a malformed anchor is an {@link IllegalArgumentException} naming what is wrong. */
    public static SignedCheckpoint parse(byte[] json) {
        Map<String, Object> m;
        try {
            m = CanonicalJson.readObject(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        try {
            return new SignedCheckpoint(((Number) m.get("seq")).longValue(), HEX.parseHex((String) m.get("hash")),
                    Instant.parse((String) m.get("time")), (String) m.get("keyId"),
                    Base64.getDecoder().decode((String) m.get("signature")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("missing or malformed field: " + e.getMessage());
        }
    }
}
