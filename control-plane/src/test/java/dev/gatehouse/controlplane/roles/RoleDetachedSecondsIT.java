package dev.gatehouse.controlplane.roles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import org.junit.jupiter.api.Test;

/** A role's {@code detachedSeconds}: how long a shell whose engineer lost the connection waits for re-attach. */
class RoleDetachedSecondsIT extends GatehouseTestApplication {

    @Test
    void aRoleThatSaysNothingKeepsDetachedShellsTenMinutesAndShowsIt() {
        ApiClient api = new ApiClient(port);
        String name = unique("keep");

        ApiClient.Reply created = api.post("/api/v1/roles", ADMIN,
                "{\"name\":\"" + name + "\",\"logins\":[\"root\"],\"hostLabels\":{}}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("detachedSeconds").asInt()).isEqualTo(600);
        assertThat(api.get("/api/v1/roles/" + name, ADMIN).json().get("detachedSeconds").asInt()).isEqualTo(600);
    }

    @Test
    void zeroTurnsReattachOffAndAnUpdateIsStored() {
        ApiClient api = new ApiClient(port);
        String name = unique("nokeep");

        ApiClient.Reply created = api.post("/api/v1/roles", ADMIN,
                "{\"name\":\"" + name + "\",\"logins\":[\"root\"],\"hostLabels\":{},\"detachedSeconds\":0}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/roles/" + name, ADMIN).json().get("detachedSeconds").asInt()).isZero();

        ApiClient.Reply updated = api.put("/api/v1/roles/" + name, ADMIN,
                "{\"logins\":[\"root\"],\"hostLabels\":{},\"detachedSeconds\":1800}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(api.get("/api/v1/roles/" + name, ADMIN).json().get("detachedSeconds").asInt()).isEqualTo(1800);
    }
}
