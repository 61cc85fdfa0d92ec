package dev.gatehouse.controlplane.config;

import static dev.gatehouse.controlplane.config.SettingsTest.environment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The settings of a gateway run behind a balancer and with its evidence elsewhere: PROXY protocol, the recordings
 * store, retention and the SIEM stream bind from environment variables, and a bad one stops start-up naming it.
 */
class DeploymentSettingsTest {

    @Test
    void proxyProtocolIsOffByDefaultAndOnFromTheEnvironmentWithItsTrustedRanges() throws Exception {
        assertThat(bind(Map.of()).ssh().proxyProtocolSettings().enabled()).isFalse();
        GatehouseSettings settings = bind(Map.of("GATEHOUSE_SSH_PROXY_PROTOCOL", "true",
                "GATEHOUSE_SSH_PROXY_PROTOCOL_FROM", "10.0.0.0/8,192.0.2.7", "GATEHOUSE_SSH_PROXY_PROTOCOL_TIMEOUT", "3s"));
        var proxy = settings.ssh().proxyProtocolSettings();
        assertThat(proxy.enabled()).isTrue();
        assertThat(proxy.headerTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(proxy.trustedPeers().contains(InetAddress.getByName("10.9.8.7"))).isTrue();
        assertThat(proxy.trustedPeers().contains(InetAddress.getByName("127.0.0.1"))).as("replaces the default").isFalse();
        assertThat(bind(Map.of("GATEHOUSE_SSH_PROXY_PROTOCOL", "true")).ssh().proxyProtocolSettings().trustedPeers()
                .contains(InetAddress.getByName("127.0.0.1"))).as("default: loopback").isTrue();
    }

    @Test
    void aMalformedTrustedRangeStopsStartupNamingTheSetting() {
        assertRefused(Map.of("GATEHOUSE_SSH_PROXY_PROTOCOL", "true", "GATEHOUSE_SSH_PROXY_PROTOCOL_FROM", "lb.example"),
                "gatehouse.ssh.proxy-protocol-from");
    }

    @Test
    void recordingsGoToTheDataDirectoryUnlessAnS3BucketIsNamed() {
        assertThat(bind(Map.of()).recordings().store()).isEqualTo(Recordings.Store.FILE);
        GatehouseSettings settings = bind(Map.of("GATEHOUSE_RECORDINGS_STORE", "s3",
                "GATEHOUSE_RECORDINGS_S3_ENDPOINT", "http://minio:9000", "GATEHOUSE_RECORDINGS_S3_BUCKET", "evidence",
                "GATEHOUSE_RECORDINGS_S3_REGION", "eu-west-1", "GATEHOUSE_RECORDINGS_S3_PATH_STYLE", "true"));
        var s3 = settings.recordings().s3().blobStoreSettings();
        assertThat(settings.recordings().store()).isEqualTo(Recordings.Store.S3);
        assertThat(s3.endpoint()).isEqualTo(URI.create("http://minio:9000"));
        assertThat(s3.bucket()).isEqualTo("evidence");
        assertThat(s3.region()).isEqualTo("eu-west-1");
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.accessKey()).as("credentials from the SDK's default chain").isNull();
    }

    @Test
    void anS3StoreWithoutABucketOrWithABadEndpointStopsStartupNamingTheSetting() {
        assertRefused(Map.of("GATEHOUSE_RECORDINGS_STORE", "s3"), "gatehouse.recordings.s3.bucket");
        assertRefused(Map.of("GATEHOUSE_RECORDINGS_STORE", "s3", "GATEHOUSE_RECORDINGS_S3_BUCKET", "b",
                "GATEHOUSE_RECORDINGS_S3_ENDPOINT", "ftp://minio"), "gatehouse.recordings.s3.endpoint");
        assertThatThrownBy(() -> bind(Map.of("GATEHOUSE_RECORDINGS_STORE", "gcs")))
                .hasMessageContaining("gatehouse.recordings.store");
    }

    @Test
    void retentionIsOffByDefaultAndTooShortARetentionStopsStartupNamingTheSetting() {
        assertThat(bind(Map.of()).recordings().retention()).isNull();
        assertThat(bind(Map.of("GATEHOUSE_RECORDINGS_RETENTION", "90d")).recordings().retention())
                .isEqualTo(Duration.ofDays(90));
        assertRefused(Map.of("GATEHOUSE_RECORDINGS_RETENTION", "10m"), "gatehouse.recordings.retention");
    }

    @Test
    void siemBindsAFileOrASyslogReceiverAndIncompleteSettingsStopStartupNamingTheSetting() {
        assertThat(bind(Map.of()).siem().sink()).isEqualTo(Siem.Sink.NONE);
        assertThat(bind(Map.of("GATEHOUSE_SIEM_SINK", "file", "GATEHOUSE_SIEM_FILE", "/var/log/gh.jsonl")).siem().file())
                .isEqualTo(Path.of("/var/log/gh.jsonl"));
        Siem syslog = bind(Map.of("GATEHOUSE_SIEM_SINK", "syslog", "GATEHOUSE_SIEM_SYSLOG_ADDRESS", "siem.corp:6514"))
                .siem();
        assertThat(syslog.syslog().tls()).as("TLS unless turned off").isTrue();
        assertThat(syslog.syslog().socketAddress().getHostString()).isEqualTo("siem.corp");
        assertThat(syslog.syslog().socketAddress().getPort()).isEqualTo(6514);

        assertRefused(Map.of("GATEHOUSE_SIEM_SINK", "file"), "gatehouse.siem.file");
        assertRefused(Map.of("GATEHOUSE_SIEM_SINK", "syslog"), "gatehouse.siem.syslog.address");
        assertRefused(Map.of("GATEHOUSE_SIEM_SINK", "syslog", "GATEHOUSE_SIEM_SYSLOG_ADDRESS", "siem.corp"),
                "gatehouse.siem.syslog.address");
        assertRefused(Map.of("GATEHOUSE_SIEM_SINK", "syslog", "GATEHOUSE_SIEM_SYSLOG_ADDRESS", "siem.corp:514",
                "GATEHOUSE_SIEM_SYSLOG_TLS", "false", "GATEHOUSE_SIEM_SYSLOG_TRUST", "/etc/ca.pem"),
                "gatehouse.siem.syslog.trust");
    }

    private static GatehouseSettings bind(Map<String, String> variables) {
        return Binder.get(environment(variables)).bindOrCreate("gatehouse", GatehouseSettings.class);
    }

    private static void assertRefused(Map<String, String> variables, String setting) {
        assertThatThrownBy(() -> bind(variables)).rootCause().hasMessageStartingWith(setting + ":");
    }
}
