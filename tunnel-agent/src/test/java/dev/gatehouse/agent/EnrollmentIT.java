package dev.gatehouse.agent;

import static dev.gatehouse.agent.testbed.BoundedReads.read;
import static dev.gatehouse.agent.testbed.BoundedReads.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.agent.enroll.AgentState;
import dev.gatehouse.agent.enroll.CertificateRenewer;
import dev.gatehouse.agent.enroll.Enroller;
import dev.gatehouse.agent.testbed.TestPki;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.agent.tunnel.AgentCredentials;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.tunnel.gateway.TunnelStream;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Join and renewal through the gateway's tunnel port, and agent certificates the gateway must refuse. */
class EnrollmentIT extends OneGatewayFixture {

    private static TunnelAgent steady;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAgents() throws Exception {
        steady = bed.agent("steady", "lab", address, Testbed.agentSettings("127.0.0.1:" + echo.port()));
        Testbed.await("the steady agent is connected", () -> gateway.healthyAgents("lab").contains("steady"));
    }

    @Test
    void joinWithTokenThenStateIsOwnerOnlyAndAgentServesDials() throws Exception {
        bed.enrollment.issueToken("token-join-1", "lab", Duration.ofMinutes(10));
        Path tokenFile = Files.writeString(dir.resolve("token"), "token-join-1\n");
        Path caFile = Files.writeString(dir.resolve("gateway-ca.pem"),
                Pem.encode(bed.gatewayCa.certificate()));
        Path state = dir.resolve("state");

        int exit = AgentCommand.execute("join", "--gateway", address, "--network", "lab", "--name", "edge-1",
                "--token-file", tokenFile.toString(), "--gateway-ca", caFile.toString(), "--state-dir", state.toString());

        assertThat(exit).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        for (String file : List.of(AgentState.KEY, AgentState.CERTIFICATE, AgentState.GATEWAY_CA, AgentState.ENROLLMENT)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        AgentCredentials credentials = new AgentState(state).credentials();
        assertThat(AgentIdentity.fromCertificate(credentials.chain().getFirst()))
                .isEqualTo(new AgentIdentity("lab", "edge-1"));

        try (TunnelAgent joined = new TunnelAgent(address, Testbed.agentSettings("127.0.0.1:" + echo.port()),
                credentials, "test")) {
            joined.start();
            Testbed.await("the joined agent is connected", () -> gateway.healthyAgents("lab").contains("edge-1"));
            assertEcho(steady);
        }
    }

    @Test
    void joinWithTokenOnStandardInputThenJoined() throws Exception {
        bed.enrollment.issueToken("token-stdin", "lab", Duration.ofMinutes(10));
        Path caFile = Files.writeString(dir.resolve("gateway-ca.pem"),
                Pem.encode(bed.gatewayCa.certificate()));
        Path state = dir.resolve("state");
        InputStream stdin = System.in;
        int exit;
        try {
            System.setIn(new ByteArrayInputStream("token-stdin\n".getBytes(StandardCharsets.UTF_8)));
            exit = AgentCommand.execute("join", "--gateway", address, "--network", "lab", "--name", "edge-stdin",
                    "--token-file", "-", "--gateway-ca", caFile.toString(), "--state-dir", state.toString());
        } finally {
            System.setIn(stdin);
        }

        assertThat(exit).isZero();
        assertThat(AgentIdentity.fromCertificate(new AgentState(state).credentials().chain().getFirst()))
                .isEqualTo(new AgentIdentity("lab", "edge-stdin"));
    }

    @Test
    void joinWithMissingTokenFileThenTheFileIsNamed() {
        Path missing = dir.resolve("no-such-token");
        assertThat(AgentCommand.describe(new NoSuchFileException(missing.toString())))
                .isEqualTo("no such file: " + missing);
        assertThat(AgentCommand.execute("join", "--gateway", address, "--network", "lab", "--token-file",
                missing.toString(), "--gateway-ca", missing.toString())).isEqualTo(1);
    }

    @Test
    void joinWithReusedTokenThenRefused() throws Exception {
        bed.enrollment.issueToken("token-once", "lab", Duration.ofMinutes(10));
        enroller().join("token-once", "lab", "first");
        assertThatThrownBy(() -> enroller().join("token-once", "lab", "second"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused by the gateway (403): join token already used");
    }

    @Test
    void joinWithExpiredTokenThenRefused() {
        bed.enrollment.issueToken("token-old", "lab", Duration.ofSeconds(-1));
        assertThatThrownBy(() -> enroller().join("token-old", "lab", "late"))
                .hasMessageContaining("join token expired");
    }

    @Test
    void joinWithTokenOfAnotherNetworkThenRefused() {
        bed.enrollment.issueToken("token-lab", "lab", Duration.ofMinutes(10));
        assertThatThrownBy(() -> enroller().join("token-lab", "finance", "sneaky"))
                .hasMessageContaining("join token is for another network");
    }

    @Test
    void joinWithBadNameThenRefusedWithReason() {
        assertThatThrownBy(() -> enroller().join("whatever", "lab", "Bad Name!"))
                .hasMessageContaining("(400)").hasMessageContaining("agent name 'Bad Name!' is invalid");
    }

    @Test
    void renewWithValidCertificateThenFreshKeyAndSameIdentity() throws Exception {
        TestPki.Issued current = bed.agentCa.agent("renewing", "lab");
        Enroller.Issued renewed = enroller().renew(current.keys().getPrivate(), List.of(current.certificate()));
        X509Like leaf = new X509Like(renewed.chain().getFirst());
        assertThat(leaf.identity()).isEqualTo(new AgentIdentity("lab", "renewing"));
        assertThat(renewed.chain().getFirst().getSerialNumber()).isNotEqualTo(current.certificate().getSerialNumber());
        assertThat(renewed.chain().getFirst().getPublicKey()).isNotEqualTo(current.certificate().getPublicKey());
    }

    @Test
    void shortLivedCertificateThenRenewedBeforeExpiryAndLinksKeepComingBack() throws Exception {
        bed.enrollment.certificateValidity(Duration.ofSeconds(6));
        try {
            bed.enrollment.issueToken("token-short", "lab", Duration.ofMinutes(10));
            Enroller.Issued joined = enroller().join("token-short", "lab", "short");
            AgentState state = new AgentState(dir.resolve("short"));
            state.save(new AgentState.Enrollment(address, "lab", "short"), joined.keys().getPrivate(),
                    joined.chain(), List.of(bed.gatewayCa.certificate()));
            java.math.BigInteger firstSerial = joined.chain().getFirst().getSerialNumber();
            Instant firstExpiry = joined.chain().getFirst().getNotAfter().toInstant();
            try (TunnelAgent agent = new TunnelAgent(address, Testbed.agentSettings("127.0.0.1:" + echo.port()),
                    state.credentials(), "test");
                    CertificateRenewer renewer = new CertificateRenewer(state, agent, java.time.Clock.systemUTC())) {
                agent.start();
                renewer.start();
                Testbed.await("the certificate was renewed", () -> !serial(state).equals(firstSerial));
                Testbed.await("the first certificate expired", () -> Instant.now().isAfter(firstExpiry.plusSeconds(1)));
                agent.dropLinks();
                Testbed.await("the agent reconnected with a renewed certificate",
                        () -> gateway.healthyAgents("lab").contains("short"));
                assertThat(new AgentState(dir.resolve("short")).credentials().chain().getFirst().getNotAfter()
                        .toInstant()).isAfter(firstExpiry);
            }
        } finally {
            bed.enrollment.certificateValidity(Duration.ofHours(1));
        }
    }

    private static java.math.BigInteger serial(AgentState state) {
        try {
            return state.credentials().chain().getFirst().getSerialNumber();
        } catch (IOException e) {
            return java.math.BigInteger.ZERO;
        }
    }

    @Test
    void agentCertificateFromAnotherCaThenRefusedAndOthersContinue() throws Exception {
        TestPki rogueCa = TestPki.create("rogue CA");
        assertRefused(rogueCa.agent("rogue", "lab"), "rogue");
    }

    @Test
    void expiredAgentCertificateThenRefusedAndOthersContinue() throws Exception {
        assertRefused(bed.agentCa.agent("expired", "lab", Instant.now().minus(Duration.ofHours(2)),
                Instant.now().minus(Duration.ofHours(1))), "expired");
    }

    @Test
    void revokedAgentCertificateThenRefusedAndOthersContinue() throws Exception {
        TestPki.Issued issued = bed.agentCa.agent("revoked", "lab");
        bed.agents.revoke(issued.certificate().getSerialNumber());
        assertRefused(issued, "revoked");
    }

    @Test
    void revokedAgentThenItsAttemptsSlowDownWithBackoff() throws Exception {
        TestPki.Issued issued = bed.agentCa.agent("persistent", "lab");
        bed.agents.revoke(issued.certificate().getSerialNumber());
        long before = gateway.refusedConnections();
        try (TunnelAgent agent = new TunnelAgent(address, Testbed.agentSettings("127.0.0.1:" + echo.port())
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(30)), credentials(issued), "test")) {
            agent.start();
            Testbed.await("the gateway refused the revoked agent", () -> gateway.refusedConnections() > before);
            long first = gateway.refusedConnections();
            Thread.sleep(6_000);
            // Growing delays (0.1-0.2 s, 0.2-0.4, 0.4-0.8, 0.8-1.6, 1.6-3.2, 3.2-6.4 s) allow at most 6 more attempts
            // in 6 s; a backoff reset by each completed TLS handshake would allow dozens.
            assertThat(gateway.refusedConnections() - first).isBetween(2L, 6L);
        }
    }

    @Test
    void agentRevokedWhileLinkedThenItsLinkAndStreamsEndWithTheReason() throws Exception {
        TestPki.Issued issued = bed.agentCa.agent("doomed", "vault");
        try (TunnelAgent agent = new TunnelAgent(address, Testbed.agentSettings("127.0.0.1:" + echo.port()),
                credentials(issued), "test")) {
            agent.start();
            Testbed.await("the agent is connected", () -> gateway.healthyAgents("vault").contains("doomed"));
            TunnelStream stream = gateway.open("vault", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS);
            stream.output().write("x".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(stream.input())).isEqualTo('x');

            bed.agents.revoke(issued.certificate().getSerialNumber());

            assertThatThrownBy(() -> read(stream.input())).isInstanceOf(IOException.class)
                    .hasMessageContaining("no longer admitted").hasMessageContaining("revoked");
            Testbed.await("the link is gone", () -> gateway.healthyAgents("vault").isEmpty()
                    && agent.connectedGateways().isEmpty());
            assertEcho(steady);
        }
    }

    private AgentCredentials credentials(TestPki.Issued issued) {
        return new AgentCredentials(issued.keys().getPrivate(), List.of(issued.certificate()),
                List.of(bed.gatewayCa.certificate()));
    }

    private void assertRefused(TestPki.Issued issued, String name) throws Exception {
        long refusedBefore = gateway.refusedConnections();
        try (TunnelAgent agent = new TunnelAgent(address, Testbed.agentSettings("127.0.0.1:" + echo.port()),
                new AgentCredentials(issued.keys().getPrivate(), List.of(issued.certificate()),
                        List.of(bed.gatewayCa.certificate())), "test")) {
            agent.start();
            Testbed.await("the gateway refused " + name, () -> gateway.refusedConnections() > refusedBefore);
            assertThat(gateway.healthyAgents("lab")).doesNotContain(name);
            assertEcho(steady);
        }
    }

    private static void assertEcho(TunnelAgent expectedUp) throws Exception {
        try (TunnelStream stream = gateway.open("lab", "127.0.0.1", echo.port()).get(30, TimeUnit.SECONDS)) {
            stream.output().write("alive".getBytes(StandardCharsets.US_ASCII));
            assertThat(readExactly(stream.input(), 5)).isEqualTo("alive");
        }
        assertThat(expectedUp.connectedGateways()).containsExactly(address);
    }

    private static Enroller enroller() {
        return new Enroller(address, List.of(bed.gatewayCa.certificate()));
    }

    private record X509Like(java.security.cert.X509Certificate certificate) {
        AgentIdentity identity() {
            return AgentIdentity.fromCertificate(certificate);
        }
    }
}
