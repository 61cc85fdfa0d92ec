package dev.gatehouse.audit.blob;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Blobs in an S3-compatible bucket (AWS SDK v2): an endpoint override and path-style addressing, so MinIO, Ceph or
 * S3Proxy work as well as AWS. Keys are stored under an optional prefix.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {

    /**
     * Where and how to reach the bucket. {@code endpoint} null means AWS itself; {@code pathStyle} puts the bucket in
     * the path ({@code endpoint/bucket/key}, what most S3-compatible servers want) instead of the host name.
     * {@code accessKey} null takes credentials from the SDK's default chain (environment, system properties, profile,
     * container or instance role).
     */
    public record Settings(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
            String accessKey, String secretKey) {

        public Settings {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(region, "region");
            prefix = prefix == null || prefix.isEmpty() ? "" : (prefix.endsWith("/") ? prefix : prefix + "/");
        }

        /** Credentials from the SDK's default chain. */
        public static Settings withDefaultCredentials(URI endpoint, String region, String bucket, String prefix,
                boolean pathStyle) {
            return new Settings(endpoint, region, bucket, prefix, pathStyle, null, null);
        }

        @Override
        public String toString() {
            return "Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                    + ", pathStyle=" + pathStyle + ", credentials=" + (accessKey == null ? "default chain" : "***")
                    + "]";
        }
    }

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3BlobStore(Settings settings) {
        var builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .httpClient(UrlConnectionHttpClient.create());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        if (settings.accessKey() != null) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
        }
        this.s3 = builder.build();
        this.bucket = settings.bucket();
        this.prefix = settings.prefix();
    }

    @Override
    public void put(String key, byte[] content) {
        BlobStore.checkKey(key);
        for (int attempt = 1; ; attempt++) {
            try {
                // If-None-Match: * makes the bucket refuse to replace an object (412), so racing puts cannot both win.
                s3.putObject(b -> b.bucket(bucket).key(prefix + key).contentLength((long) content.length)
                        .ifNoneMatch("*"), RequestBody.fromBytes(content));
                return;
            } catch (S3Exception e) {
                // 409: another conditional put of this key is in flight; its outcome decides, so ask again.
                if (e.statusCode() == 409 && attempt < 5) {
                    continue;
                }
                if (e.statusCode() != 412) {
                    throw new BlobStoreException("cannot put blob " + key + " into bucket " + bucket + ": "
                            + e.getMessage(), e);
                }
                if (!Arrays.equals(get(key).orElse(null), content)) {
                    throw new BlobStoreException("blob " + key + " exists with other content; blobs are immutable", e);
                }
                return;
            } catch (SdkException e) {
                throw new BlobStoreException("cannot put blob " + key + " into bucket " + bucket + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        BlobStore.checkKey(key);
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new BlobStoreException("cannot get blob " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new BlobStoreException("cannot get blob " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        try {
            List<String> keys = new ArrayList<>();
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + keyPrefix))) {
                for (S3Object o : page.contents()) {
                    keys.add(o.key().substring(prefix.length()));
                }
            }
            keys.sort(null);
            return keys;
        } catch (SdkException e) {
            throw new BlobStoreException("cannot list bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) {
        BlobStore.checkKey(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
        } catch (SdkException e) {
            throw new BlobStoreException("cannot delete blob " + key + " from bucket " + bucket + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
