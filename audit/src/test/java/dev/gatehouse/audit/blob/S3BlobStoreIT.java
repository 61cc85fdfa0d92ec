package dev.gatehouse.audit.blob;

import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same contract against a real S3 API server (S3Proxy, in-process, on a file-system backend), with static
 * credentials; {@link S3BlobStoreDefaultCredentialsIT} runs it again with credentials from the SDK's default chain.
 */
class S3BlobStoreIT extends BlobStoreContract {

    @TempDir
    static Path dir;
    static S3Proxy proxy;
    static org.gaul.s3proxy.blobstore.BlobStore backend;
    private S3BlobStore current;

    @BeforeAll
    static void startS3() throws Exception {
        backend = new FilesystemNio2BlobStore(dir.toString());
        proxy = S3Proxy.builder().blobStore(backend).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret").build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        proxy.stop();
    }

    @AfterEach
    void closeClient() {
        if (current != null) {
            current.close();
        }
    }

    @Override
    BlobStore store() {
        current = new S3BlobStore(settings(newBucket()));
        return current;
    }

    S3BlobStore.Settings settings(String bucket) {
        return new S3BlobStore.Settings(endpoint(), "us-east-1", bucket, "recordings", true, "test-access",
                "test-secret");
    }

    static URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    static String newBucket() {
        String bucket = "gh-" + UUID.randomUUID().toString().substring(0, 8);
        backend.createContainer(bucket);
        return bucket;
    }
}
