package dev.gatehouse.controlplane.recordings;

import dev.gatehouse.audit.blob.BlobStore;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.blob.S3BlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.CheckpointAnchor;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.recording.SessionRecorder;
import dev.gatehouse.audit.recording.WithoutOutput;
import dev.gatehouse.audit.retention.RecordingRetention;
import dev.gatehouse.audit.siem.SiemStreamer;
import dev.gatehouse.audit.spool.EvidenceSpool;
import dev.gatehouse.audit.verify.AuditVerifier;
import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.Recordings;
import dev.gatehouse.controlplane.database.DatabaseServer;
import dev.gatehouse.controlplane.database.SingletonJobs;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.evidence.AuditVerifyCommand;
import dev.gatehouse.controlplane.evidence.VerificationJob;
import dev.gatehouse.controlplane.nodes.NodeStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The audit module's evidence pipeline on this node: recordings go through a bounded in-memory queue and a disk spool
 * under {@code <data-dir>/spool} into PostgreSQL (metadata, events, hash chain) and the blob store
 * ({@code <data-dir>/recordings} or S3); the global chain head is signed every few seconds with the audit key, and each
 * checkpoint is anchored as a write-once object in the same blob store (and sent to the SIEM stream, when one is set).
 */
@Configuration(proxyBeanMethods = false)
class RecordingConfiguration {

    /** How often the chain head is signed: a crash loses at most this much unsigned history. */
    static final Duration CHECKPOINT_INTERVAL = ChainCheckpointer.DEFAULT_INTERVAL;
    /** Evidence held in memory before the spool writes it to disk. */
    static final long SPOOL_MEMORY_BYTES = 64L << 20;

    /** {@code gatehouse.recordings.store}: the data directory, or an S3 bucket (closed with the context). */
    @Bean
    BlobStore recordingBlobStore(GatehouseSettings settings) {
        return settings.recordings().store() == Recordings.Store.S3
                ? new S3BlobStore(settings.recordings().s3().blobStoreSettings())
                : new FileBlobStore(settings.dataDir().resolve("recordings"));
    }

    @Bean
    AuditKey auditKey(CertificateAuthorities authorities) {
        return AuditKey.of(authorities.auditSigningKey());
    }

    @Bean(destroyMethod = "close")
    EvidenceSpool evidenceSpool(GatehouseSettings settings, PostgresAuditStore events, BlobStore blobs) {
        return new EvidenceSpool(settings.dataDir().resolve("spool"), new PostgresEvidenceStore(events, blobs),
                SPOOL_MEMORY_BYTES);
    }

    @Bean(destroyMethod = "close")
    AsyncSessionRecorder asyncSessionRecorder(GatehouseSettings settings, AuditKey key, EvidenceSpool spool) {
        return new AsyncSessionRecorder(RecorderSettings.defaults(NodeId.of(settings.dataDir()))
                .withMaxBytesPerSession(settings.recording().maxBytesPerSession().toBytes()), key, spool);
    }

    @Bean
    @Primary
    SessionRecorder sessionRecorder(GatehouseSettings settings, AsyncSessionRecorder recorder) {
        return settings.recording().output() ? recorder : new WithoutOutput(recorder);
    }

    @Bean
    RecordingHealth recordingHealthIndicator(AsyncSessionRecorder recorder, EvidenceSpool spool,
            MeterRegistry meterRegistry) {
        RecordingHealth health = new RecordingHealth(recorder, spool);
        health.bind(meterRegistry);
        return health;
    }

    @Bean
    AuditVerifier auditVerifier(PostgresAuditStore events, BlobStore blobs, AuditKey key, Clock clock,
            NodeStore nodes) {
        // One interval for the checkpointer's timer, one for a checkpoint that is under way. Bastion nodes sign their
        // sessions' checkpoints with keys of their own, registered when they enrolled.
        return new AuditVerifier(events, blobs, key, CHECKPOINT_INTERVAL.multipliedBy(2), clock)
                .withRecorderKeys(() -> nodes.recordingKeys().stream()
                        .map(encoded -> AuditKey.verifierOnly(Base64.getDecoder().decode(encoded))).toList());
    }

    @Bean(destroyMethod = "close")
    VerificationJob verificationJob(AuditVerifier verifier, ChainCheckpointer checkpointer, ControlPlaneAudit trail,
            Clock clock) {
        return new VerificationJob(verifier, checkpointer, trail, clock);
    }

    @Bean
    AuditVerifyCommand auditVerifyCommand(VerificationJob job) {
        return new AuditVerifyCommand(job);
    }

    /** Anchored in the blob store, and in the SIEM stream when {@code gatehouse.siem.sink} names one. */
    @Bean(destroyMethod = "close")
    ChainCheckpointer chainCheckpointer(DataSource dataSource, AuditKey key, BlobStore blobs,
            ObjectProvider<SiemStreamer> siem) {
        List<CheckpointAnchor> anchors = siem.stream().map(CheckpointAnchor.class::cast).toList();
        return new ChainCheckpointer(dataSource, key, blobs, anchors);
    }

    @Bean(destroyMethod = "close")
    RetentionJob retentionJob(GatehouseSettings settings, PostgresAuditStore events, BlobStore blobs, AuditKey key) {
        return new RetentionJob(settings.recordings().retention(), new RecordingRetention(events, blobs, key));
    }

    /**
     * The checkpointer's timer and retention run on one control plane of those sharing the database (each would sign
     * its own checkpoint of the same head, and two retention runs race for the same recordings); any control plane may
     * still sign one on demand (a verification run does).
     */
    @Bean(destroyMethod = "close")
    SingletonJobs singletonJobs(DatabaseServer server, ChainCheckpointer checkpointer, RetentionJob retention) {
        return new SingletonJobs(server.dedicatedDataSource())
                .add("audit checkpointer", () -> checkpointer.start(CHECKPOINT_INTERVAL))
                .add("recording retention", () -> retention.start(RetentionJob.PERIOD))
                .start(SingletonJobs.DEFAULT_PERIOD);
    }
}
