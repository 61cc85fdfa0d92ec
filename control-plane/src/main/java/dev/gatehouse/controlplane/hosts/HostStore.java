package dev.gatehouse.controlplane.hosts;

import dev.gatehouse.controlplane.database.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code hosts} table. */
@Component
public final class HostStore {

    private static final String COLUMNS = "name, address, labels, network, host_key, host_key_source";

    private final JdbcClient jdbc;

    public HostStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public Optional<Host> find(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM hosts WHERE name = ?").param(name).query(HostStore::map).optional();
    }

    public Optional<Host> findForUpdate(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM hosts WHERE name = ? FOR UPDATE").param(name)
                .query(HostStore::map).optional();
    }

    /** All hosts, optionally only those of one network. */
    public List<Host> list(String network) {
        if (network == null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM hosts ORDER BY name").query(HostStore::map).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM hosts WHERE network = ? ORDER BY name").param(network)
                .query(HostStore::map).list();
    }

    public void insert(Host host) {
        jdbc.sql("INSERT INTO hosts (" + COLUMNS + ") VALUES (?, ?, ?::jsonb, ?, ?, ?)")
                .params(host.name(), host.address(), JsonColumns.write(host.labels()), host.network(), host.hostKey(),
                        host.hostKeySource())
                .update();
    }

    public void update(Host host) {
        jdbc.sql("UPDATE hosts SET address = ?, labels = ?::jsonb, network = ?, host_key = ?, host_key_source = ?,"
                        + " updated_at = now() WHERE name = ?")
                .params(host.address(), JsonColumns.write(host.labels()), host.network(), host.hostKey(),
                        host.hostKeySource(), host.name())
                .update();
    }

    /** Pins {@code key} only if nothing is pinned yet; true when this call pinned it. */
    public boolean pinIfUnpinned(String name, String key) {
        return jdbc.sql("UPDATE hosts SET host_key = ?, host_key_source = 'learned', updated_at = now()"
                        + " WHERE name = ? AND host_key IS NULL")
                .params(key, name).update() == 1;
    }

    public void delete(String name) {
        jdbc.sql("DELETE FROM hosts WHERE name = ?").param(name).update();
    }

    private static Host map(ResultSet rs, int row) throws SQLException {
        return new Host(rs.getString("name"), rs.getString("address"), JsonColumns.map(rs.getString("labels")),
                rs.getString("network"), rs.getString("host_key"), rs.getString("host_key_source"));
    }
}
