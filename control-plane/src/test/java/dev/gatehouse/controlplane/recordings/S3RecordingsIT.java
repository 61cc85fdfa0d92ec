package dev.gatehouse.controlplane.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.blob.S3BlobStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionRecording;
import dev.gatehouse.audit.recording.SessionStart;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code gatehouse.recordings.store=s3} in the running gateway: against a real S3 API server (S3Proxy, in this JVM,
 * on a file-system backend, signature v4 with credentials from the AWS SDK's default chain, as production takes
 * them), a session's recording goes to the bucket, not to the data directory, and comes back through the API. It
 * runs in the JVM of control-plane's second failsafe execution (pom), not with the shared-database contexts, whose
 * verifies would find this session's chunks missing from their file store.
 */
class S3RecordingsIT extends GatehouseTestApplication {

    private static final String BUCKET = "evidence";
    private static final Path BACKEND = temporary();
    /** Not stopped after the class: the cached context (and its S3 client) outlives it until the JVM exits. */
    private static final S3Proxy SERVER = startServer();

    @Autowired
    AsyncSessionRecorder recorder;
    @Autowired
    BlobStore blobs;
    @Value("${gatehouse.data-dir}")
    Path dataDir;

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.recordings.store", () -> "s3");
        registry.add("gatehouse.recordings.s3.endpoint", () -> "http://127.0.0.1:" + SERVER.getPort());
        registry.add("gatehouse.recordings.s3.bucket", () -> BUCKET);
        registry.add("gatehouse.recordings.s3.prefix", () -> "gatehouse");
        registry.add("gatehouse.recordings.s3.path-style", () -> "true");
    }

    @Test
    void aRecordingIsWrittenToTheBucketAndReadBackThroughTheApi() throws Exception {
        assertThat(blobs).isInstanceOf(S3BlobStore.class);
        String id = unique("s3-session");
        SessionRecording recording = recorder.open(SessionStart.shell(id, "alice", "root", "web-01", 80, 24));
        byte[] line = "evidence kept in the bucket\r\n".getBytes(StandardCharsets.US_ASCII);
        recording.output(line, 0, line.length);
        recording.end(SessionEnd.exited(0));
        assertThat(recorder.awaitStored(Duration.ofSeconds(60))).isTrue();

        List<Path> objects = objectsNaming(BACKEND.resolve(BUCKET), id);
        assertThat(objects).as("the recording's objects in the bucket").isNotEmpty();
        assertThat(objects).allSatisfy(o -> assertThat(BACKEND.resolve(BUCKET).relativize(o).toString())
                .startsWith("gatehouse/"));
        assertThat(objectsNaming(dataDir, id)).as("nothing of it in the data directory").isEmpty();
        String downloaded = api.get("/api/v1/sessions/" + id + "/recording", ADMIN).body();
        assertThat(downloaded).contains("evidence kept in the bucket");
    }

    private static List<Path> objectsNaming(Path root, String id) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> root.relativize(f).toString().contains(id)).toList();
        }
    }

    private static S3Proxy startServer() {
        // The product reads S3 credentials from the SDK's default chain only; its system-property link is used here.
        System.setProperty("aws.accessKeyId", "s3-recordings-access");
        System.setProperty("aws.secretAccessKey", "s3-recordings-secret");
        try {
            FilesystemNio2BlobStore backend = new FilesystemNio2BlobStore(BACKEND.toString());
            backend.createContainer(BUCKET);
            S3Proxy proxy = S3Proxy.builder().blobStore(backend)
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "s3-recordings-access", "s3-recordings-secret")
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return proxy;
        } catch (Exception e) {
            throw new IllegalStateException("the S3 server for the test did not start", e);
        }
    }

    private static Path temporary() {
        try {
            return Files.createTempDirectory("gatehouse-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
