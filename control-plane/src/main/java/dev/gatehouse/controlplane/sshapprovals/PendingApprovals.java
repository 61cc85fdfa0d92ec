package dev.gatehouse.controlplane.sshapprovals;

import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SSH logins waiting for approval in the browser, in PostgreSQL ({@code ssh_approvals}) so that every control plane
 * shows and decides them and a restart loses none. Each waits under a short random code, kept only as its SHA-256
 * (the {@code key}); it leaves {@code pending} once (answered, withdrawn or expired: the move is claimed atomically).
 * Bounded per source address, per person and in all, since anyone who can reach the SSH port can ask.
 */
final class PendingApprovals {

    /** Letters and digits a person cannot confuse (no 0/O, 1/I/L): 31 symbols. */
    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    /** 8 symbols, about 39 bits: unguessable within two minutes, and only the person it is for may answer anyway. */
    static final int CODE_LENGTH = 8;

    private static final String COLUMNS = "encode(code_hash, 'hex') AS key, person, target, source, client_version,"
            + " after_key, node, requested_at, expires_at, state, decided_by, reason";

    enum State {
        PENDING, APPROVED, DENIED, EXPIRED, WITHDRAWN;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Limits on what waits at once. */
    record Limits(Duration ttl, int perAddress, int perPerson, int total) {}

    /** One login asked for: {@code node} the bastion node that asked, null for the in-process bastion. */
    record Pending(String key, ApprovalRequest request, String node, Instant requestedAt, Instant expiresAt) {}

    /** A stored approval and where it stands: {@code decidedBy} and {@code reason} once it left pending. */
    record Row(Pending pending, State state, String decidedBy, String reason) {}

    /** A login just opened, with the code its client is shown (stored nowhere). */
    record Opened(String code, Pending pending) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Limits limits;
    private final SecureRandom random = new SecureRandom();

    PendingApprovals(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, Limits limits) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    Duration ttl() {
        return limits.ttl();
    }

    /**
     * Opens a pending approval; denied when the source address, the person or the gateway has as many waiting as
     * allowed. The counts and the insert run under one advisory lock, so two control planes cannot both take the last.
     */
    Decision<Opened> open(ApprovalRequest request, String node) {
        String address = address(request.source());
        return transactions.execute(status -> {
            jdbc.sql("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('ssh-approvals'))) locked")
                    .query(Integer.class).single();
            // To the microsecond, as PostgreSQL keeps it: the Pending returned equals the one read back.
            Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
            record Counts(long total, long fromAddress, long forPerson) {}
            Counts counts = jdbc.sql("SELECT count(*), count(*) FILTER (WHERE source_address = ?),"
                            + " count(*) FILTER (WHERE person = ?) FROM ssh_approvals"
                            + " WHERE state = 'pending' AND expires_at > ?")
                    .params(address, request.person(), now)
                    .query((rs, row) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3))).single();
            if (counts.total() >= limits.total()) {
                return Decision.deny("too many logins are waiting for approval; try again in a minute");
            }
            if (counts.fromAddress() >= limits.perAddress()) {
                return Decision.deny("too many logins from " + address + " are waiting for approval");
            }
            if (counts.forPerson() >= limits.perPerson()) {
                return Decision.deny("too many logins of " + request.person() + " are waiting for approval");
            }
            Instant at = now.toInstant();
            String code = newCode();
            Pending opened = new Pending(key(code), request, node, at, at.plus(limits.ttl()));
            // A code already in use (about one chance in 10^11 per open) fails the insert: the login may ask again.
            jdbc.sql("INSERT INTO ssh_approvals (code_hash, person, target, source, source_address, client_version,"
                            + " after_key, node, requested_at, expires_at) VALUES (decode(?, 'hex'), ?, ?, ?, ?, ?, ?, ?,"
                            + " ?, ?)")
                    .params(opened.key(), request.person(), request.target(), request.source(), address,
                            request.clientVersion(), request.keyVerified(), node, Timestamp.from(at),
                            Timestamp.from(opened.expiresAt()))
                    .update();
            return Decision.allow(new Opened(code, opened));
        });
    }

    /** The approval waiting under {@code code}, if it still waits. */
    Optional<Pending> find(String code) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_approvals WHERE code_hash = decode(?, 'hex')"
                        + " AND state = 'pending' AND expires_at > ?")
                .params(key(code), Timestamp.from(clock.instant())).query(PendingApprovals::row).optional()
                .map(Row::pending);
    }

    /** The approval stored under {@code key}, in whatever state. */
    Optional<Row> row(String key) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_approvals WHERE code_hash = decode(?, 'hex')").param(key)
                .query(PendingApprovals::row).optional();
    }

    /** Those of {@code keys} no longer pending. */
    List<Row> ended(Collection<String> keys) {
        List<byte[]> hashes = keys.stream().map(HexFormat.of()::parseHex).toList();
        List<Row> ended = new ArrayList<>();
        // In slices: a statement takes at most 65,535 parameters, and the cap on pending approvals may be above that.
        for (int from = 0; from < hashes.size(); from += 1000) {
            ended.addAll(jdbc.sql("SELECT " + COLUMNS + " FROM ssh_approvals WHERE code_hash IN (:keys)"
                            + " AND state <> 'pending'")
                    .param("keys", hashes.subList(from, Math.min(hashes.size(), from + 1000)))
                    .query(PendingApprovals::row).list());
        }
        return ended;
    }

    /**
     * Moves the approval under {@code code} out of pending, once: empty when it was not pending (answered, expired,
     * withdrawn, never issued). An answer ({@code unexpiredOnly}) does not take one past its expiry.
     */
    Optional<Row> end(String code, State to, String decidedBy, String reason, boolean unexpiredOnly) {
        Instant now = clock.instant();
        // A withdrawal ends it even past its expiry (the sweep may not have come yet): no time bound then.
        Instant notBefore = unexpiredOnly ? now : Instant.EPOCH;
        return jdbc.sql("UPDATE ssh_approvals SET state = ?, decided_by = ?, decided_at = ?, reason = ?"
                        + " WHERE code_hash = decode(?, 'hex') AND state = 'pending' AND expires_at > ?"
                        + " RETURNING " + COLUMNS)
                .params(to.wire(), decidedBy, Timestamp.from(now), reason, key(code), Timestamp.from(notBefore))
                .query(PendingApprovals::row).optional();
    }

    /** Ends every pending approval past its expiry, each once however many control planes sweep at the same time. */
    List<Row> expire(String reason) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("UPDATE ssh_approvals SET state = 'expired', decided_at = ?, reason = ?"
                        + " WHERE state = 'pending' AND expires_at <= ? RETURNING " + COLUMNS)
                .params(now, reason, now).query(PendingApprovals::row).list();
    }

    /** Deletes approvals that ended more than {@code kept} ago (the audit trail keeps their story). */
    int purge(Duration kept) {
        return jdbc.sql("DELETE FROM ssh_approvals WHERE state <> 'pending' AND decided_at < ?")
                .param(Timestamp.from(clock.instant().minus(kept))).update();
    }

    /** The SHA-256 of a code, in hex: what is stored and what waiters are keyed by. */
    static String key(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH + 1);
        for (int i = 0; i < CODE_LENGTH; i++) {
            if (i == CODE_LENGTH / 2) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    private static Row row(ResultSet rs, int row) throws SQLException {
        Pending pending = new Pending(rs.getString("key"), new ApprovalRequest(rs.getString("person"),
                rs.getString("target"), rs.getString("source"), rs.getString("client_version"),
                rs.getBoolean("after_key")), rs.getString("node"), rs.getTimestamp("requested_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant());
        return new Row(pending, State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                rs.getString("decided_by"), rs.getString("reason"));
    }

    /** The address part of {@code host:port} or {@code [v6]:port}. */
    static String address(String source) {
        if (source.startsWith("[")) {
            int end = source.indexOf(']');
            return end > 0 ? source.substring(1, end) : source;
        }
        int colon = source.lastIndexOf(':');
        return colon > 0 && source.indexOf(':') == colon ? source.substring(0, colon) : source;
    }
}
