package dev.gatehouse.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.controlplane.GatehouseApplication;
import dev.gatehouse.controlplane.bastion.BastionConfiguration;
import dev.gatehouse.node.BastionNode;
import dev.gatehouse.sshproxy.server.BastionConfig;
import dev.gatehouse.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Settings bind from the documented environment variables, and a bad one stops start-up naming it. */
@ExtendWith(OutputCaptureExtension.class)
class SettingsTest {

    @Test
    void environmentVariablesBindToSettings() {
        StandardEnvironment environment = environment(Map.of(
                "GATEHOUSE_DATA_DIR", "/var/lib/gatehouse",
                "GATEHOUSE_SSH_PORT", "2022",
                "GATEHOUSE_HTTP_PORT", "9090",
                "GATEHOUSE_TUNNEL_PORT", "5443",
                "GATEHOUSE_BOOTSTRAP_TOKEN", "0123456789abcdef-token",
                "GATEHOUSE_DATABASE_URL", "jdbc:postgresql://db:5432/gatehouse",
                "GATEHOUSE_DATABASE_USERNAME", "gh",
                "GATEHOUSE_DATABASE_PASSWORD", "secret"));

        GatehouseSettings settings = Binder.get(environment).bind("gatehouse", GatehouseSettings.class).get();

        assertThat(settings.dataDir()).isEqualTo(Path.of("/var/lib/gatehouse"));
        assertThat(settings.ssh().port()).isEqualTo(2022);
        assertThat(settings.http().port()).isEqualTo(9090);
        assertThat(settings.tunnel().port()).isEqualTo(5443);
        assertThat(settings.bootstrapToken()).isEqualTo("0123456789abcdef-token");
        assertThat(settings.database().url()).isEqualTo("jdbc:postgresql://db:5432/gatehouse");
        assertThat(settings.database().username()).isEqualTo("gh");
        assertThat(settings.database().password()).isEqualTo("secret");
        assertThat(environment.resolvePlaceholders("${gatehouse.http.port:8080}")).as("drives server.port").isEqualTo("9090");
    }

    @Test
    void linksNameTheConsolesPublicUrlElseThisListenerWithItsScheme() {
        assertThat(consoleUrl(Map.of("GATEHOUSE_HTTP_PORT", "9090"))).isEqualTo("http://localhost:9090");
        assertThat(consoleUrl(Map.of("GATEHOUSE_HTTP_PORT", "9443", "GATEHOUSE_HTTP_TLS_CERTIFICATE", "auto")))
                .isEqualTo("https://localhost:9443");
        assertThat(consoleUrl(Map.of("GATEHOUSE_CONSOLE_PUBLIC_URL", "https://gw.example.com/")))
                .isEqualTo("https://gw.example.com");
    }

    private static String consoleUrl(Map<String, String> variables) {
        return Binder.get(environment(variables)).bindOrCreate("gatehouse", GatehouseSettings.class).consoleUrl();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        GatehouseSettings settings = Binder.get(environment(Map.of("GATEHOUSE_SSH_PORT", "2222")))
                .bindOrCreate("gatehouse", GatehouseSettings.class);

        assertThat(settings.role()).isEqualTo(GatehouseSettings.Role.ALL_IN_ONE);
        assertThat(settings.dataDir().normalize()).isEqualTo(Path.of("data"));
        assertThat(settings.http().port()).isEqualTo(8080);
        assertThat(settings.tunnel().port()).isEqualTo(4443);
        assertThat(settings.database().external()).isFalse();
        assertThat(settings.recording().failMode()).isEqualTo(BastionConfig.FailMode.CLOSED);
        assertThat(settings.api().maxBodyBytes()).isEqualTo(1048576);
        assertThat(settings.recording().maxBytesPerSession().toBytes()).isEqualTo(1L << 30);
        assertThat(BastionConfiguration.bastionConfig(settings).connectTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void theTargetConnectTimeoutReachesTheBastion() {
        GatehouseSettings settings = Binder.get(environment(Map.of("GATEHOUSE_SSH_CONNECT_TIMEOUT", "12s")))
                .bindOrCreate("gatehouse", GatehouseSettings.class);

        assertThat(BastionConfiguration.bastionConfig(settings).connectTimeout()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void secretsNeverAppearInTheSettingsText() {
        StandardEnvironment environment = environment(Map.of("GATEHOUSE_BOOTSTRAP_TOKEN", "0123456789abcdef-token",
                "GATEHOUSE_DATABASE_PASSWORD", "hunter2-password",
                "GATEHOUSE_SECRETS_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));

        String text = Binder.get(environment).bind("gatehouse", GatehouseSettings.class).get().toString();

        assertThat(text).doesNotContain("0123456789abcdef-token").doesNotContain("hunter2").doesNotContain("AAAAAAAA");
    }

    @Test
    void unknownRoleStopsStartupNamingSettingAndAcceptedValues(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.role=superuser")).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.role").contains("superuser")
                .contains("ALL_IN_ONE").contains("CONTROL_PLANE").contains("BASTION");
    }

    @Test
    void nodeSettingsBindFromTheDocumentedVariables() {
        GatehouseSettings settings = Binder.get(environment(Map.of(
                "GATEHOUSE_CONTROL_PLANE_URL", "https://cp.example:4446",
                "GATEHOUSE_NODE_TOKEN", "gh_node_secret",
                "GATEHOUSE_NODE_TOKEN_FILE", "/run/secrets/node-token",
                "GATEHOUSE_NODES_PORT", "5446"))).bind("gatehouse", GatehouseSettings.class).get();

        assertThat(settings.controlPlane().url()).isEqualTo("https://cp.example:4446");
        assertThat(settings.node().token()).isEqualTo("gh_node_secret");
        assertThat(settings.node().tokenFile()).isEqualTo(Path.of("/run/secrets/node-token"));
        assertThat(settings.nodes().port()).isEqualTo(5446);
        assertThat(settings.toString()).doesNotContain("gh_node_secret");
    }

    @Test
    void bastionRoleWithoutControlPlaneStopsStartupNamingTheSetting(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> startNode(dataDir)).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.control-plane.url").contains("https://host:port");
    }

    @Test
    void bastionRoleNeverEnrolledWithoutTokenStopsStartupNamingTheSetting(@TempDir Path dataDir,
            CapturedOutput output) {
        assertThatThrownBy(() -> startNode(dataDir, "--gatehouse.control-plane.url=https://127.0.0.1:9"))
                .isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.node.token").contains("POST /api/v1/node-tokens");
    }

    @Test
    void bastionRoleInsideTheControlPlaneApplicationStopsSayingHowToStartANode(@TempDir Path dataDir,
            CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.role=bastion")).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.role").contains("./gatehouse start --gatehouse.role=bastion");
    }

    @Test
    void portOutOfRangeStopsStartupNamingTheSetting(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.ssh.port=70000")).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.ssh.port").contains("70000").contains("65535");
    }

    @Test
    void aRecordingBudgetThatIsNotPositiveStopsStartupNamingTheSetting(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.recording.max-bytes-per-session=0B"))
                .isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.recording.max-bytes-per-session").contains("positive");
    }

    @Test
    void malformedMasterKeyStopsStartupWithoutEchoingIt(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.secrets.master-key=not-a-key-but-a-secret"))
                .isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.secrets.master-key").contains("32 bytes")
                .doesNotContain("not-a-key-but-a-secret");
    }

    @Test
    void masterKeyFileOthersCanReadStopsStartupNamingTheSetting(@TempDir Path dataDir, @TempDir Path keys,
            CapturedOutput output) throws Exception {
        Path key = keys.resolve("master.key");
        Files.writeString(key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> start(dataDir, "--gatehouse.master-key-file=" + key)).isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.master-key-file").contains("chmod 600")
                .doesNotContain("AAAAAAAA");
    }

    @Test
    void masterKeyFileAndMasterKeyTogetherStopStartupNamingBoth(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.master-key-file=" + dataDir.resolve("key"),
                "--gatehouse.secrets.master-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
                .isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.master-key-file").contains("gatehouse.secrets.master-key");
    }

    @Test
    void ownerRoleWithoutDatabaseUrlStopsStartupNamingTheSetting(@TempDir Path dataDir, CapturedOutput output) {
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.database.owner-username=gatehouse_owner"))
                .isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.database.owner-username").contains("gatehouse.database.url");
    }

    @Test
    void shortBootstrapTokenStopsStartupWithoutEchoingIt(@TempDir Path dataDir, CapturedOutput output) {
        TestDatabase database = TestDatabase.create();
        assertThatThrownBy(() -> start(dataDir, "--gatehouse.bootstrap-token=tiny-secret",
                "--gatehouse.database.url=" + database.jdbcUrl(), "--gatehouse.database.username=" + database.username(),
                "--gatehouse.database.password=" + (database.password() == null ? "" : database.password())))
                .isInstanceOf(Exception.class);

        assertThat(output.getAll()).contains("gatehouse.bootstrap-token").contains("16 to 512")
                .doesNotContain("tiny-secret");
    }

    @Test
    void oidcWithoutAnAudienceStopsStartupNamingTheSetting() {
        StandardEnvironment environment = environment(Map.of("GATEHOUSE_OIDC_ISSUER_URI", "https://login.example.com"));

        assertThatThrownBy(() -> Binder.get(environment).bind("gatehouse", GatehouseSettings.class))
                .rootCause().isInstanceOf(InvalidSettingException.class).hasMessageContaining("gatehouse.oidc.audience");
    }

    @Test
    void anHttpIssuerIsRefusedUnlessExplicitlyAllowed() {
        Map<String, String> http = Map.of("GATEHOUSE_OIDC_ISSUER_URI", "http://login.example.com",
                "GATEHOUSE_OIDC_AUDIENCE", "gatehouse");

        assertThatThrownBy(() -> Binder.get(environment(http)).bind("gatehouse", GatehouseSettings.class))
                .rootCause().isInstanceOf(InvalidSettingException.class).hasMessageContaining("not https");
        Map<String, String> allowed = new java.util.HashMap<>(http);
        allowed.put("GATEHOUSE_OIDC_ALLOW_HTTP_ISSUER", "true");
        assertThat(Binder.get(environment(allowed)).bind("gatehouse", GatehouseSettings.class).get().oidc().enabled())
                .isTrue();
    }

    @Test
    void targetHostCaTakesAKeyOrACertAuthorityLineAndAMalformedOneStopsStartupNamingTheSetting(@TempDir Path dataDir,
            CapturedOutput output) {
        String key = dev.gatehouse.testkit.SshKeys.ed25519(dataDir).publicKeyLine();
        GatehouseSettings settings = Binder.get(environment(Map.of("GATEHOUSE_TARGETS_HOST_CA",
                key + "\n@cert-authority *.corp " + key))).bindOrCreate("gatehouse", GatehouseSettings.class);
        assertThat(settings.targets().hostCertificateAuthorities()).hasSize(2);

        assertThatThrownBy(() -> start(dataDir, "--gatehouse.targets.host-ca=@cert-authority * ssh-ed25519 AAAAnot"))
                .isInstanceOf(Exception.class);
        assertThat(output.getAll()).contains("gatehouse.targets.host-ca").contains("not a CA public key");
    }

    private static void start(Path dataDir, String... arguments) {
        String[] all = new String[arguments.length + 2];
        all[0] = "--gatehouse.data-dir=" + dataDir;
        all[1] = "--server.port=0";
        System.arraycopy(arguments, 0, all, 2, arguments.length);
        new SpringApplicationBuilder(GatehouseApplication.class).web(WebApplicationType.NONE).run(all).close();
    }

    private static void startNode(Path dataDir, String... arguments) {
        String[] all = new String[arguments.length + 2];
        all[0] = "--gatehouse.data-dir=" + dataDir;
        all[1] = "--gatehouse.role=bastion";
        System.arraycopy(arguments, 0, all, 2, arguments.length);
        new SpringApplicationBuilder(BastionNode.class).web(WebApplicationType.NONE).run(all).close();
    }

    static StandardEnvironment environment(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.copyOf(variables)));
        ConfigurationPropertySources.attach(environment);
        return environment;
    }
}
