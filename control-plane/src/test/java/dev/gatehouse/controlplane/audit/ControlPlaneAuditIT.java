package dev.gatehouse.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Admin changes and refusals land in the audit log through the audit module, with actor, before/after, source. */
class ControlPlaneAuditIT extends GatehouseTestApplication {

    @Test
    void createAndUpdateAreRecordedWithBeforeAndAfter() {
        String network = unique("audited");
        api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\",\"description\":\"first\"}");
        api.put("/api/v1/networks/" + network, ADMIN, "{\"description\":\"second\"}");

        JsonNode created = only("network.created", "network:" + network);
        JsonNode updated = only("network.updated", "network:" + network);

        assertThat(created.get("actor").asString()).isEqualTo("token:bootstrap");
        assertThat(created.get("sourceAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(created.get("details").get("before").isNull()).isTrue();
        assertThat(created.get("details").get("after").get("description").asString()).isEqualTo("first");
        assertThat(updated.get("details").get("before").get("description").asString()).isEqualTo("first");
        assertThat(updated.get("details").get("after").get("description").asString()).isEqualTo("second");
    }

    @Test
    void refusedChangeLeavesNoChangeEvent() {
        String network = unique("twice");
        api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\"}");

        assertThat(api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\"}").status()).isEqualTo(409);

        assertThat(events("network.created", "network:" + network).size()).isEqualTo(1);
    }

    @Test
    void unauthenticatedAndForbiddenRequestsAreRecorded() {
        String auditorName = unique("auditor");
        String auditor = token(auditorName, "auditor");
        String path = "/api/v1/networks/" + unique("nope");

        // Each anonymous refusal from its own address: the first from an address is recorded in full.
        ApiClient.from(port, ApiClient.freshLoopbackAddress()).delete(path, null);
        api.delete(path, auditor);
        ApiClient.from(port, ApiClient.freshLoopbackAddress()).delete(path, "gh_api_forged");

        JsonNode unauthenticated = events("api.unauthenticated", "DELETE " + path);
        assertThat(unauthenticated.size()).isEqualTo(2);
        assertThat(unauthenticated.toString()).contains("\"outcome\":\"denied\"").contains("unknown API token")
                .contains("authentication required").doesNotContain("gh_api_forged");
        JsonNode forbidden = only("api.forbidden", "DELETE " + path);
        assertThat(forbidden.get("actor").asString()).isEqualTo("token:" + auditorName);
    }

    @Test
    void aFloodOfAnonymousRefusalsFromOneAddressIsOneEventAndOneCount() throws Exception {
        String source = ApiClient.freshLoopbackAddress();
        ApiClient flooder = ApiClient.from(port, source);
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            assertThat(flooder.get("/api/v1/users?flood=" + i, i % 2 == 0 ? null : "gh_api_forged-" + i).status())
                    .isEqualTo(401);
        }
        // The test's refusal interval is 2 s: a flood slower than that (a loaded machine) spans more than one.
        long intervals = (System.nanoTime() - started) / 2_000_000_000L + 1;

        long full = fullRefusalsFrom(source);
        assertThat(full).as("the first refusal of each interval in full, at once").isBetween(1L, intervals);
        long[] counted = new long[1];
        for (int i = 0; i < 100; i++) {
            counted[0] = 0;
            events("api.refused.repeated", "address:" + source)
                    .forEach(summary -> counted[0] += summary.get("details").get("after").get("count").asLong());
            if (full + counted[0] >= 200) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(full + counted[0]).as("every refusal in full or counted in a summary").isEqualTo(200);
    }

    private long fullRefusalsFrom(String source) {
        JsonNode recorded = api.get("/api/v1/audit/events?type=api.unauthenticated&target=GET%20/api/v1/users&limit=500",
                ADMIN).json().get("events");
        long fromSource = 0;
        for (JsonNode event : recorded) {
            fromSource += source.equals(event.get("sourceAddress").asString()) ? 1 : 0;
        }
        return fromSource;
    }

    @Test
    void auditEventsPageWithTheCursor() {
        String network = unique("paged");
        for (int i = 0; i < 3; i++) {
            api.put("/api/v1/networks/direct", ADMIN, "{\"description\":\"" + network + " " + i + "\"}");
        }
        ApiClient.Reply first = api.get("/api/v1/audit/events?type=network.updated&target=network:direct&limit=2", ADMIN);
        String cursor = first.json().get("nextCursor").asString();
        ApiClient.Reply second = api.get("/api/v1/audit/events?type=network.updated&target=network:direct&limit=2&cursor="
                + cursor, ADMIN);

        long lastOfFirst = first.json().get("events").get(1).get("id").asLong();
        assertThat(second.json().get("events").get(0).get("id").asLong()).isLessThan(lastOfFirst);
        assertThat(first.body()).contains(network + " 2");
    }

    private JsonNode only(String type, String target) {
        JsonNode events = events(type, target);
        assertThat(events.size()).as("%s on %s", type, target).isEqualTo(1);
        return events.get(0);
    }

    private JsonNode events(String type, String target) {
        ApiClient.Reply reply = api.get("/api/v1/audit/events?type=" + type + "&target="
                + java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8), ADMIN);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().get("events");
    }
}
