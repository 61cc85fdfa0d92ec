package dev.gatehouse.controlplane.revocation;

import dev.gatehouse.sshproxy.access.AccessChanges;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code access_changes} table: whose access an admin change may have shrunk, numbered by revision. Bastion nodes
 * ask what changed since the revision they last saw and re-check those people's live sessions, so the log works the
 * same for one in-process bastion and for many polling nodes.
 */
@Component
public final class AccessChangeLog {

    /** More people than this in one answer and the bastion re-checks everyone instead: bounded answers. */
    static final int MAX_PEOPLE = 1000;

    private final JdbcClient jdbc;

    public AccessChangeLog(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /**
     * Records, inside the caller's transaction, that {@code usernames} may have lost access, with a reason the person
     * may read ({@code user disabled}).
     */
    public void record(Collection<String> usernames, String reason) {
        if (usernames.isEmpty()) {
            return;
        }
        // Writers take turns until they commit, so revisions become visible in order and a poller that has seen
        // revision N never misses a smaller one committed later. Admin changes are rare; readers are not blocked.
        jdbc.sql("LOCK TABLE access_changes IN SHARE ROW EXCLUSIVE MODE").update();
        for (String username : usernames) {
            jdbc.sql("INSERT INTO access_changes (username, reason) VALUES (?, ?)").params(username, reason).update();
        }
        // A bastion a day behind re-checks everyone (see since), so older rows only cost space.
        jdbc.sql("DELETE FROM access_changes WHERE changed_at < now() - interval '1 day'").update();
    }

    public void record(String username, String reason) {
        record(List.of(username), reason);
    }

    /**
     * Whose access changed after {@code revision}, the latest reason for each; everyone when the list would be too
     * long or rows after {@code revision} were already pruned.
     */
    public AccessChanges since(long revision) {
        // No row on an empty log (min() would answer one NULL, which single() refuses).
        Optional<Long> first = jdbc.sql("SELECT min(revision) FROM access_changes HAVING count(*) > 0")
                .query(Long.class).optional();
        if (first.isEmpty()) {
            return AccessChanges.none(revision);
        }
        long oldest = first.get();
        List<Row> rows = jdbc.sql("SELECT revision, username, reason FROM access_changes WHERE revision > ?"
                        + " ORDER BY revision LIMIT ?").params(revision, MAX_PEOPLE + 1)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
        if (rows.isEmpty()) {
            return AccessChanges.none(revision);
        }
        boolean pruned = oldest > revision + 1;
        if (pruned || rows.size() > MAX_PEOPLE) {
            long latest = jdbc.sql("SELECT max(revision) FROM access_changes").query(Long.class).single();
            return new AccessChanges(latest, Map.of(), true);
        }
        Map<String, String> people = new LinkedHashMap<>();
        rows.forEach(row -> people.put(row.username(), row.reason()));
        return new AccessChanges(rows.getLast().revision(), people, false);
    }

    private record Row(long revision, String username, String reason) {}
}
