package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.testkit.CommandResult;
import dev.gatehouse.testkit.OpenSshServer;
import dev.gatehouse.testkit.SshKeyFiles;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the bastion trusts a target's host key: pinned, learned on first contact, never a key the store refused. */
class BastionTargetHostKeyIT extends AgainstOneTarget {

    static SshKeyFiles hostCaFiles;
    static PublicKey hostCa;

    @BeforeAll
    static void hostCertificateAuthority() throws Exception {
        hostCaFiles = SshKeys.ed25519(Files.createTempDirectory(dir, "host-ca"));
        hostCa = PublicKeyEntry.parsePublicKeyEntry(hostCaFiles.publicKeyLine()).resolvePublicKey(null, null, null);
    }

    @Test
    void firstContactFailsClosedWhenAConcurrentFirstContactPinnedAnotherKey() throws Exception {
        // The login decision saw no pin; by the time the key is learned, another contact has pinned a different one.
        gw.decider.host("race-01", new HostAndPort("127.0.0.1", gw.target.port())).grant("alice", "race-01", "root")
                .pinMeanwhile("race-01", gw.alice.key().publicKey());

        Result result = gw.alice.ssh(gw.direct("root", "race-01", "echo connected"));

        assertThat(result.out()).doesNotContain("connected");
        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("host key of race-01 (" + KeyUtils.getFingerPrint(gw.target.hostKey())
                + ") was not accepted as its first key");
        assertThat(gw.decider.pinnedKey("race-01")).hasValueSatisfying(
                pinned -> assertThat(KeyUtils.compareKeys(pinned, gw.target.hostKey())).isFalse());
    }

    @Test
    void aHostCertificateFromTheTrustedHostCaForTheInventoryNameIsAcceptedInsteadOfThePin() throws Exception {
        try (OpenSshServer certified = certifiedTarget("cert-01")) {
            // The pin is some other key: only the certificate can make this host trusted.
            gw.decider.host("cert-01", new HostAndPort("127.0.0.1", certified.port())).grant("alice", "cert-01", "root")
                    .pin("cert-01", gw.alice.key().publicKey());
            try {
                gw.decider.hostCertificateAuthorities(hostCa);
                Result trusted = gw.alice.ssh(gw.direct("root", "cert-01", "echo certified"));
                assertThat(trusted.exitCode()).as(trusted.stderr()).isZero();
                assertThat(trusted.out()).isEqualTo("certified\n");

                gw.decider.hostCertificateAuthorities(gw.alice.key().publicKey());
                Result otherCa = gw.alice.ssh(gw.direct("root", "cert-01", "echo certified"));
                assertThat(otherCa.exitCode()).isEqualTo(255);
                assertThat(otherCa.stderr()).contains("host key of cert-01 does not match the key on record");
            } finally {
                gw.decider.hostCertificateAuthorities();
            }
        }
    }

    @Test
    void aHostCertificateForAnotherNameIsNotTrusted() throws Exception {
        try (OpenSshServer certified = certifiedTarget("other-name")) {
            gw.decider.host("cert-02", new HostAndPort("127.0.0.1", certified.port())).grant("alice", "cert-02", "root")
                    .pin("cert-02", gw.alice.key().publicKey());
            try {
                gw.decider.hostCertificateAuthorities(hostCa);
                Result result = gw.alice.ssh(gw.direct("root", "cert-02", "echo certified"));
                assertThat(result.out()).doesNotContain("certified");
                assertThat(result.stderr()).contains("host key of cert-02 does not match the key on record");
            } finally {
                gw.decider.hostCertificateAuthorities();
            }
        }
    }

    /** A real sshd presenting a host certificate for {@code principal}, signed by the test's host CA with ssh-keygen. */
    private OpenSshServer certifiedTarget(String principal) throws Exception {
        Path keys = Files.createTempDirectory(dir, "host-" + principal);
        SshKeyFiles hostKey = SshKeys.ed25519(keys);
        CommandResult signed = SshKeys.sshKeygen("-s", hostCaFiles.privateKey().toString(), "-h", "-I", principal,
                "-n", principal, "-V", "-5m:+1h", hostKey.publicKey().toString());
        assertThat(signed.succeeded()).as(signed.toString()).isTrue();
        Path certificate = hostKey.certificate();
        return OpenSshServer.builder().trustedUserCaKeys(gw.ca.userCaLine()).hostKey(hostKey)
                .hostCertificate(Files.readString(certificate).strip()).start();
    }

    @Test
    void firstContactLearnsTheKeyAndConnects() throws Exception {
        gw.decider.host("fresh-01", new HostAndPort("127.0.0.1", gw.target.port())).grant("alice", "fresh-01", "root");

        Result result = gw.alice.ssh(gw.direct("root", "fresh-01", "echo connected"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(gw.decider.pinnedKey("fresh-01")).hasValueSatisfying(
                pinned -> assertThat(KeyUtils.compareKeys(pinned, gw.target.hostKey())).isTrue());
    }
}
