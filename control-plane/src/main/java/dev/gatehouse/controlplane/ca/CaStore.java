package dev.gatehouse.controlplane.ca;

import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code certificate_authorities} table: public material in clear, the private key sealed. */
@Component
final class CaStore {

    record StoredCa(String publicMaterial, byte[] sealedPrivateKey) {}

    private final JdbcClient jdbc;

    CaStore(JdbcClient jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    Optional<StoredCa> find(String name) {
        return jdbc.sql("SELECT public_material, sealed_private_key FROM certificate_authorities WHERE name = ?")
                .param(name).query((rs, row) -> new StoredCa(rs.getString(1), rs.getBytes(2))).optional();
    }

    /** Stores the CA unless another node stored one first; the caller then reads back whichever won. */
    void insertIfAbsent(String name, StoredCa ca) {
        jdbc.sql("INSERT INTO certificate_authorities (name, public_material, sealed_private_key) VALUES (?, ?, ?)"
                        + " ON CONFLICT (name) DO NOTHING")
                .params(name, ca.publicMaterial(), ca.sealedPrivateKey()).update();
    }
}
