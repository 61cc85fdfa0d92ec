package dev.gatehouse.audit.chain;

/** An item's place in its session's own chain: {@code hash = SHA-256(prevHash || canonical bytes)}. */
public record SessionLink(long seq, byte[] prevHash, byte[] hash) implements java.io.Serializable {
}
