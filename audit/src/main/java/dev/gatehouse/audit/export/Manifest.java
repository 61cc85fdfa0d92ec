package dev.gatehouse.audit.export;

import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainHash;
import dev.gatehouse.audit.events.CanonicalJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A signed statement about an exported file: its format, session, size and SHA-256, and for recordings the size and
 * hash of every chunk (the same hashes the evidence chain vouches for). Checked offline with only the public key.
 */
public final class Manifest {

    private Manifest() {
    }

    /** The manifest JSON for {@code content}, signed with {@code key}. */
    static String sign(AuditKey key, Map<String, Object> fields, byte[] content) {
        Map<String, Object> m = new TreeMap<>(fields);
        m.put("bytes", content.length);
        m.put("sha256", HexFormat.of().formatHex(ChainHash.sha256(content, 0, content.length)));
        m.put("keyId", key.id());
        String unsigned = CanonicalJson.write(m);
        m.put("signature", Base64.getEncoder().encodeToString(key.sign(unsigned)));
        return CanonicalJson.write(m);
    }

    /**
     * Checks an exported file against its manifest. Returns the problems found (empty when the file is exactly what
     * was signed).
     */
    public static List<String> verify(byte[] content, String manifestJson, AuditKey key) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> m;
        try {
            m = new TreeMap<>(CanonicalJson.readObject(manifestJson));
        } catch (RuntimeException e) {
            return List.of("the manifest is not JSON: " + e.getMessage());
        }
        Object signature = m.remove("signature");
        if (!key.id().equals(m.get("keyId"))) {
            problems.add("signed by key " + m.get("keyId") + ", not by " + key.id());
        } else if (!(signature instanceof String s) || !key.verify(CanonicalJson.write(m), decode(s))) {
            problems.add("the manifest's signature is invalid (manifest altered or not ours)");
        }
        String actual = HexFormat.of().formatHex(ChainHash.sha256(content, 0, content.length));
        if (!actual.equals(m.get("sha256")) || !Long.valueOf(content.length).equals(number(m.get("bytes")))) {
            problems.add("the file's content differs from what the manifest signs");
            chunkProblems(content, m).ifPresent(problems::add);
        }
        return problems;
    }

    /** Names the first chunk of a recording export whose bytes differ, to say where the file was altered. */
    private static Optional<String> chunkProblems(byte[] content, Map<String, Object> m) {
        if (!(m.get("chunks") instanceof List<?> chunks)) {
            return Optional.empty();
        }
        int at = 0;
        for (Object o : chunks) {
            if (!(o instanceof Map<?, ?> c) || number(c.get("bytes")) == null) {
                return Optional.empty();
            }
            int len = number(c.get("bytes")).intValue();
            if (at + len > content.length) {
                return Optional.of("chunk " + c.get("index") + " is truncated");
            }
            String hash = HexFormat.of().formatHex(ChainHash.sha256(content, at, len));
            if (!hash.equals(c.get("sha256"))) {
                return Optional.of("chunk " + c.get("index") + " differs from the recorded chunk");
            }
            at += len;
        }
        return Optional.empty();
    }

    private static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static byte[] decode(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
