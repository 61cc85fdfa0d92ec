package dev.gatehouse.controlplane.config;

import dev.gatehouse.audit.blob.S3BlobStore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatehouse.recordings.*}: where recording chunks and checkpoint anchors are kept ({@code store}: {@code file}
 * under {@code <data-dir>/recordings}, or {@code s3}) and how long a recording is kept after its session ended
 * ({@code retention}, e.g. {@code 90d}; empty keeps recordings for ever). Events are never deleted.
 */
public record Recordings(@NotNull @DefaultValue("file") Store store, @Valid @NotNull @DefaultValue S3 s3,
        Duration retention) {

    /** The smallest retention accepted: less would delete recordings of sessions that just ended. */
    public static final Duration MIN_RETENTION = Duration.ofHours(1);

    public enum Store { FILE, S3 }

    public Recordings {
        if (store == Store.S3 && s3 != null && (s3.bucket() == null || s3.bucket().isBlank())) {
            throw new InvalidSettingException("gatehouse.recordings.s3.bucket", "the name of an existing bucket",
                    "missing while gatehouse.recordings.store is s3");
        }
        if (retention != null && retention.compareTo(MIN_RETENTION) < 0) {
            throw new InvalidSettingException("gatehouse.recordings.retention", "a duration of at least 1h (e.g. 90d),"
                    + " or empty to keep recordings", "was " + retention);
        }
    }

    /**
     * {@code gatehouse.recordings.s3.*}: {@code endpoint} (empty: AWS itself) of an S3-compatible server,
     * {@code region}, {@code bucket}, an optional key {@code prefix}, and {@code pathStyle} (bucket in the path, as
     * MinIO, Ceph and S3Proxy want). Credentials come from the AWS SDK's default chain: {@code AWS_ACCESS_KEY_ID} and
     * {@code AWS_SECRET_ACCESS_KEY}, a profile, or a container or instance role; never from a gatehouse setting.
     */
    public record S3(URI endpoint, @NotNull @DefaultValue("us-east-1") String region, String bucket,
            @DefaultValue("") String prefix, @DefaultValue("false") boolean pathStyle) {

        public S3 {
            boolean web = endpoint == null || (endpoint.getHost() != null
                    && ("https".equalsIgnoreCase(endpoint.getScheme()) || "http".equalsIgnoreCase(endpoint.getScheme())));
            if (!web) {
                throw new InvalidSettingException("gatehouse.recordings.s3.endpoint", "an http:// or https:// URL",
                        "was " + endpoint);
            }
        }

        /** The audit library's settings for this bucket. */
        public S3BlobStore.Settings blobStoreSettings() {
            return S3BlobStore.Settings.withDefaultCredentials(endpoint, region, bucket, prefix, pathStyle);
        }
    }
}
