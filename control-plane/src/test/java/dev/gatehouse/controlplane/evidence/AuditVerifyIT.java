package dev.gatehouse.controlplane.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/audit/verify} starts one background run; {@code GET} shows its progress, then its report. */
class AuditVerifyIT extends GatehouseTestApplication {

    private static final String PATH = "/api/v1/audit/verify";

    @Test
    void postStartsOneRunInTheBackgroundAndGetReturnsItsProgressThenItsReport() throws Exception {
        String auditor = token(unique("verify-auditor"), "auditor");
        String runId;
        // The owner holds the checkpoint table, so the run cannot get past its first read: it is provably running.
        try (Connection owner = databaseOwner().getConnection(); Statement s = owner.createStatement()) {
            owner.setAutoCommit(false);
            s.execute("LOCK TABLE audit_checkpoints IN ACCESS EXCLUSIVE MODE");

            ApiClient.Reply first = api.post(PATH, auditor, null);
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            assertThat(first.header("Location")).hasValue(PATH);
            assertThat(first.json().get("state").asString()).isEqualTo("running");
            runId = first.json().get("runId").asString();

            ApiClient.Reply second = api.post(PATH, ADMIN, null);
            assertThat(second.status()).isEqualTo(202);
            assertThat(second.json().get("runId").asString()).as("the run under way").isEqualTo(runId);

            JsonNode during = api.get(PATH, auditor).json();
            assertThat(during.get("state").asString()).isEqualTo("running");
            assertThat(during.get("runId").asString()).isEqualTo(runId);
            assertThat(during.get("ok").asBoolean()).isFalse();
            assertThat(during.get("report").isNull()).isTrue();
            assertThat(during.get("progress").get("phase").asString()).isNotBlank();
            owner.rollback();
        }

        JsonNode done = awaitFinished();
        assertThat(done.get("runId").asString()).isEqualTo(runId);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("done");
        assertThat(done.get("ok").asBoolean()).as(done.toString()).isTrue();
        assertThat(done.get("brokenLinks").isEmpty()).isTrue();
        assertThat(done.get("report").get("eventsChecked").asLong()).isPositive();
        assertThat(done.get("report").get("anchorsChecked").asLong()).isPositive();
        assertThat(done.get("finishedAt").isNull()).isFalse();

        String started = api.get("/api/v1/audit/events?type=audit.verify.started&limit=500", ADMIN).body();
        assertThat(started).contains(runId);
        String verified = api.get("/api/v1/audit/events?type=audit.verified&limit=500", ADMIN).body();
        assertThat(verified).contains(runId);
    }

    @Test
    void anAnonymousStartIsRefusedAndTheRefusalIsAudited() {
        // From an address of its own: refusals from one address are audited in full once per interval, then counted.
        ApiClient.Reply refused = ApiClient.from(port, ApiClient.freshLoopbackAddress()).post(PATH, null, null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/audit/events?type=api.unauthenticated&limit=500", ADMIN).body())
                .contains("POST " + PATH);
    }

    private JsonNode awaitFinished() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        JsonNode last = api.get(PATH, ADMIN).json();
        while (last.get("state").asString().equals("running") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = api.get(PATH, ADMIN).json();
        }
        return last;
    }
}
