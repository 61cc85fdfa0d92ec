package dev.gatehouse.audit.blob;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract with no credentials in the settings: the SDK's default chain finds them (here as the system
 * properties {@code aws.accessKeyId}/{@code aws.secretAccessKey}, as it would the AWS_* environment variables).
 * With the properties cleared every call is refused by the server (fails so).
 */
class S3BlobStoreDefaultCredentialsIT extends S3BlobStoreIT {

    @BeforeAll
    static void credentialsInTheEnvironment() {
        System.setProperty("aws.accessKeyId", "test-access");
        System.setProperty("aws.secretAccessKey", "test-secret");
    }

    @AfterAll
    static void clearCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Override
    S3BlobStore.Settings settings(String bucket) {
        return S3BlobStore.Settings.withDefaultCredentials(endpoint(), "us-east-1", bucket, "recordings", true);
    }
}
