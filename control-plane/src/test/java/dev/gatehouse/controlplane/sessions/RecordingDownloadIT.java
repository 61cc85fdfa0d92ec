package dev.gatehouse.controlplane.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/sessions/{id}/recording} streams a recording of many chunks, byte-exact, logged once. */
class RecordingDownloadIT extends GatehouseTestApplication {

    @Autowired
    AsyncSessionRecorder recorder;
    @Autowired
    BlobStore blobs;

    @Test
    void aRecordingOfManyChunksIsStreamedChunkedByteExactAndItsViewLoggedOnce() throws Exception {
        String id = unique("download");
        SessionRecording r = recorder.open(SessionStart.shell(id, "alice", "root", "web-01", 80, 24));
        byte[] line = ("0123456789".repeat(10) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 30_000; i++) { // about 3 MiB of output: several 1 MiB chunks
            r.output(line, 0, line.length);
        }
        r.end(SessionEnd.exited(0));
        assertThat(recorder.awaitStored(Duration.ofSeconds(60))).isTrue();
        List<String> keys = blobs.list("sessions/" + id + "/");
        assertThat(keys).as("chunks of the recording").hasSizeGreaterThan(2);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        keys.forEach(k -> expected.writeBytes(blobs.get(k).orElseThrow()));

        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(api.base() + "/api/v1/sessions/" + id + "/recording"))
                .header("Authorization", "Bearer " + ADMIN).version(HttpClient.Version.HTTP_1_1).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readAllBytes();
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("application/x-asciicast"));
        // Streamed as it is read: no length is known up front, the body arrives in HTTP chunks.
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(body).isEqualTo(expected.toByteArray());

        JsonNode viewed = api.get("/api/v1/audit/events?type=recording.viewed&target=" + id, ADMIN).json()
                .get("events");
        assertThat(viewed.size()).as("one view, logged once: %s", viewed).isEqualTo(1);
        assertThat(viewed.get(0).get("actor").asString()).isEqualTo("token:bootstrap");
    }
}
