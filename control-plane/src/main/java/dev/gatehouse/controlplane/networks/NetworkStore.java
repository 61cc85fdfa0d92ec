package dev.gatehouse.controlplane.networks;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code networks} table. */
@Component
public final class NetworkStore {

    private final JdbcClient jdbc;

    public NetworkStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    public Optional<Network> find(String name) {
        return jdbc.sql("SELECT name, description FROM networks WHERE name = ?").param(name)
                .query(Network.class).optional();
    }

    public List<Network> list() {
        return jdbc.sql("SELECT name, description FROM networks ORDER BY name").query(Network.class).list();
    }

    public void insert(Network network) {
        jdbc.sql("INSERT INTO networks (name, description) VALUES (?, ?)")
                .params(network.name(), network.description()).update();
    }

    public void update(Network network) {
        jdbc.sql("UPDATE networks SET description = ? WHERE name = ?")
                .params(network.description(), network.name()).update();
    }

    public void delete(String name) {
        jdbc.sql("DELETE FROM networks WHERE name = ?").param(name).update();
    }

    /** How many hosts and agents still live in the network. */
    public int members(String name) {
        return jdbc.sql("SELECT (SELECT count(*) FROM hosts WHERE network = :n) + (SELECT count(*) FROM agents WHERE network = :n)")
                .param("n", name).query(Integer.class).single();
    }
}
