package dev.gatehouse.controlplane.bastion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.SshClientConfig;
import dev.gatehouse.testkit.Haproxy;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The all-in-one behind a real HAProxy on loopback, with {@code gatehouse.ssh.proxy-protocol=true} trusting only
 * 127.0.0.1 (where HAProxy connects from) and 127.0.0.2: a real {@code ssh -b 127.0.0.9} through
 * {@code send-proxy-v2} and through {@code send-proxy} (v1) is recorded as 127.0.0.9 in the session and its ssh.*
 * events, failures count per real address, a silent balancer connection is closed at the header timeout, and a direct
 * client can neither skip the header from a trusted address nor send one from another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"gatehouse.ssh.proxy-protocol=true",
        "gatehouse.ssh.proxy-protocol-from=127.0.0.1/32,127.0.0.2/32", "gatehouse.ssh.proxy-protocol-timeout=2s",
        "gatehouse.ssh.auth.failures-per-address=2"})
class ProxyProtocolIT extends GatehouseTestApplication {

    @Autowired
    BastionService bastion;

    private OpenSshServer target;
    private Haproxy v2;
    private Haproxy v1;
    private Path work;
    private String hostCa;
    private SshKeyFiles key;
    private String person;
    private String host;
    private String login;

    @BeforeAll
    void gatewayBehindHaproxy() throws Exception {
        ApiClient admin = new ApiClient(port);
        work = Files.createTempDirectory("gatehouse-proxy-protocol-");
        target = OpenSshServer.builder().trustedUserCaKeys(admin.get("/api/v1/ca/ssh-user", ADMIN).body().strip())
                .start();
        login = target.loginUser();
        key = SshKeys.ed25519(work);
        AccessFixture access = new AccessFixture(admin, ADMIN);
        String team = unique("lb-ops");
        String role = access.role("lb-ops").logins(login).hostLabel("team", team).create();
        person = access.person("pat").roles(role).key(key.publicKeyLine()).create();
        host = access.host("lb").address("127.0.0.1:" + target.port()).label("team", team).create();
        hostCa = admin.get("/api/v1/ca/ssh-host", ADMIN).body().strip();
        v2 = Haproxy.inFrontOf(bastion.port(), "send-proxy-v2");
        v1 = Haproxy.inFrontOf(bastion.port(), "send-proxy");
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {v1, v2, target}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // the next one still stops
            }
        }
    }

    @Test
    void throughSendProxyV2TheSessionAndItsEventsRecordTheClientsOwnAddress() throws Exception {
        double started = metric("gatehouse_ssh_sessions_started_total", "");
        double setups = metric("gatehouse_ssh_session_setup_seconds_count", "");
        double relayed = metric("gatehouse_ssh_relayed_bytes_total", "direction=\"to_client\"");
        Run run = ssh("127.0.0.9", key, "-p", String.valueOf(v2.port()), login + "@" + host + "@127.0.0.1",
                "echo " + mark("v2"));
        assertThat(run.exit()).as(run.output() + v2.log()).isZero();
        assertThat(sessionSource(mark("v2"))).startsWith("127.0.0.9:");
        assertThat(eventSources("ssh.login")).isNotEmpty().allMatch(s -> s.startsWith("127.0.0.9:"));
        assertThat(eventSources("ssh.auth")).isNotEmpty().allMatch(s -> s.startsWith("127.0.0.9:"));
        assertThat(metric("gatehouse_ssh_sessions_started_total", "")).as("this session counted").isGreaterThan(started);
        assertThat(metric("gatehouse_ssh_session_setup_seconds_count", "")).isGreaterThan(setups);
        assertThat(metric("gatehouse_ssh_relayed_bytes_total", "direction=\"to_client\""))
                .as("at least the echoed line").isGreaterThanOrEqualTo(relayed + mark("v2").length() + 1);
    }

    @Test
    void throughSendProxyV1TheSessionRecordsTheClientsOwnAddress() throws Exception {
        Run run = ssh("127.0.0.9", key, "-p", String.valueOf(v1.port()), login + "@" + host + "@127.0.0.1",
                "echo " + mark("v1"));
        assertThat(run.exit()).as(run.output() + v1.log()).isZero();
        assertThat(sessionSource(mark("v1"))).startsWith("127.0.0.9:");
    }

    @Test
    void aProxyJumpThroughTheBalancerRecordsTheClientsOwnAddress() throws Exception {
        // The jump's inner connection comes from the bastion itself on 127.0.0.1, a trusted peer, without a header.
        Run run = ssh("127.0.0.9", key, "-J", person + "@127.0.0.1:" + v2.port(), login + "@" + host,
                "echo " + mark("jump"));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(sessionSource(mark("jump"))).startsWith("127.0.0.9:");
    }

    @Test
    void failedLoginsCountAgainstTheClientsAddressNotTheBalancers() throws Exception {
        SshKeyFiles stranger = SshKeys.ed25519(Files.createTempDirectory(work, "stranger"));
        for (int i = 0; i < 2; i++) {
            assertThat(ssh("127.0.0.10", stranger, "-p", String.valueOf(v2.port()), person + "@127.0.0.1").exit())
                    .isEqualTo(255);
        }
        Run blocked = ssh("127.0.0.10", key, "-p", String.valueOf(v2.port()), login + "@" + host + "@127.0.0.1",
                "true");
        assertThat(blocked.exit()).as("a valid key from the address over its limit").isEqualTo(255);
        assertThat(blocked.output()).contains("Permission denied");
        Run other = ssh("127.0.0.11", key, "-p", String.valueOf(v2.port()), login + "@" + host + "@127.0.0.1",
                "true");
        assertThat(other.exit()).as("another address behind the same balancer: " + other.output()).isZero();
    }

    @Test
    void aClientOnATrustedAddressWithoutAHeaderIsRefusedAndAudited() throws Exception {
        Run direct = ssh("127.0.0.1", key, "-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1",
                "true");
        assertThat(direct.exit()).isEqualTo(255);
        assertThat(eventually(() -> denial("127.0.0.1:", "no PROXY protocol header"))).isNotNull();
        assertThat(metric("gatehouse_ssh_sessions_refused_total", "reason=\"proxy-protocol\"")).isPositive();
    }

    @Test
    void aBalancerConnectionThatSendsNothingIsClosedAtTheHeaderTimeoutAndAudited() throws Exception {
        try (Socket silent = new Socket()) {
            // Another trusted address than the header-less test's: refusals are audited in full once per address.
            silent.bind(new InetSocketAddress("127.0.0.2", 0));
            silent.connect(new InetSocketAddress("127.0.0.1", bastion.port()));
            silent.setSoTimeout(30_000);
            // Read to the end of the stream: the bastion closes it (a read timeout here fails the test).
            silent.getInputStream().readAllBytes();
        }
        assertThat(eventually(() -> denial("127.0.0.2:", "no complete PROXY protocol header within 2000 ms")))
                .isNotNull();
    }

    @Test
    void aDirectClientElsewhereConnectsAsItselfAndCannotClaimAnotherAddress() throws Exception {
        Run direct = ssh("127.0.0.12", key, "-p", String.valueOf(bastion.port()), login + "@" + host + "@127.0.0.1",
                "echo " + mark("direct"));
        assertThat(direct.exit()).as(direct.output()).isZero();
        assertThat(sessionSource(mark("direct"))).startsWith("127.0.0.12:");

        try (Socket spoof = new Socket()) {
            spoof.bind(new InetSocketAddress("127.0.0.13", 0));
            spoof.connect(new InetSocketAddress("127.0.0.1", bastion.port()));
            OutputStream out = spoof.getOutputStream();
            out.write(("PROXY TCP4 198.51.100.1 127.0.0.1 4000 22\r\nSSH-2.0-OpenSSH_9.2\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            spoof.setSoTimeout(30_000);
            // Read to the end of the stream: the bastion closes the connection (a timeout here fails the test).
            byte[] answer = spoof.getInputStream().readAllBytes();
            assertThat(new String(answer, StandardCharsets.US_ASCII)).startsWith("SSH-2.0-Gatehouse");
        }
        assertThat(eventually(() -> denial("127.0.0.13:", "outside gatehouse.ssh.proxy-protocol-from"))).isNotNull();
    }

    private record Run(int exit, String output) {}

    /** A word for this test's output that search finds, one per test and person. */
    private String mark(String test) {
        return test + "x" + person.substring(person.indexOf('-') + 1);
    }

    /** Real ssh bound to {@code from}, trusting the host CA; a config file so a ProxyJump's own ssh uses it too. */
    private Run ssh(String from, SshKeyFiles identity, String... args) throws Exception {
        Path config = SshClientConfig.write(Files.createTempFile(work, "ssh_config", ""), identity.privateKey(),
                List.of(hostCa), "BindAddress " + from);
        CommandResult result = OpenSshClient.ssh().config(config).arguments(args).run();
        return new Run(result.exitCode(), result.stdoutText() + result.stderr());
    }

    /** The source address of this person's session whose output contains {@code text} (searched by q). */
    private String sessionSource(String text) throws InterruptedException {
        return eventually(() -> {
            JsonNode sessions = api.get("/api/v1/sessions?user=" + person + "&q=" + text, ADMIN).json()
                    .get("sessions");
            return sessions.isEmpty() ? null : sessions.get(0).get("sourceAddress").asString();
        });
    }

    private List<String> eventSources(String type) throws InterruptedException {
        return eventually(() -> {
            List<String> sources = new ArrayList<>();
            api.get("/api/v1/audit/events?type=" + type + "&actor=" + person, ADMIN).json().get("events")
                    .forEach(e -> sources.add(e.get("sourceAddress").asString()));
            return sources.isEmpty() ? null : sources;
        });
    }

    private JsonNode denial(String source, String reason) {
        for (JsonNode event : api.get("/api/v1/audit/events?type=ssh.proxy-protocol.denied", ADMIN).json()
                .get("events")) {
            if (event.get("sourceAddress").asString().startsWith(source)
                    && event.toString().contains(reason)) {
                return event;
            }
        }
        return null;
    }

    /** The sample of {@code name} with {@code label} on this node's Prometheus page; 0 when absent. */
    private double metric(String name, String label) {
        for (String line : api.get("/actuator/prometheus", ADMIN).body().split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
