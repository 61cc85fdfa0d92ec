package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.events.SftpEvent;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.testkit.OpenSshClient;
import dev.gatehouse.testkit.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** sftp, scp (both modes) and rsync through the bastion, with the SFTP operations audited. */
class BastionFileTransferIT extends AgainstOneTarget {

    @Test
    void sftpPutGetRenameRemoveAreRelayedAndAuditedWithTheFilesHash() throws Exception {
        Path work = Files.createDirectories(dir.resolve("sftp"));
        byte[] content = randomBytes(3 * 1024 * 1024 + 17);
        Files.write(work.resolve("local.bin"), content);
        String hash = sha256(content);
        Path batch = work.resolve("batch");
        Files.writeString(batch, String.join("\n",
                "cd " + work,
                "lcd " + work,
                "put local.bin up.bin",
                "get up.bin down.bin",
                "rename up.bin moved.bin",
                "mkdir newdir",
                "rm moved.bin",
                "rmdir newdir",
                ""));

        Result result = gw.alice.run(gw.alice.sftp().flags("-b", batch.toString(),
                "-J", "alice@127.0.0.1:" + gw.bastion.port()).arguments("root@web-01"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(sha256(Files.readAllBytes(work.resolve("down.bin")))).isEqualTo(hash);
        assertThat(work.resolve("moved.bin")).doesNotExist();
        assertThat(work.resolve("newdir")).doesNotExist();
        String up = work.resolve("up.bin").toString();
        assertThat(gw.events.sftp).contains(
                new SftpEvent("write", up, null, content.length, hash, null),
                new SftpEvent("read", up, null, content.length, hash, null),
                new SftpEvent("rename", up, work.resolve("moved.bin").toString(), 0, null, null),
                new SftpEvent("mkdir", work.resolve("newdir").toString(), null, 0, null, null),
                new SftpEvent("remove", work.resolve("moved.bin").toString(), null, 0, null, null),
                new SftpEvent("rmdir", work.resolve("newdir").toString(), null, 0, null, null));
        assertThat(gw.recorder.sessions()).anyMatch(tape -> tape.sftpOperations().stream()
                .anyMatch(op -> op.op().equals("write") && hash.equals(op.sha256())));
    }

    @Test
    void sftpRefusalOfTheTargetIsReportedAndTheSessionGoesOn() throws Exception {
        Path batch = dir.resolve("bad-batch");
        Files.writeString(batch, "-get /nonexistent/" + "x".repeat(300) + " /tmp/never\npwd\n");

        Result result = gw.alice.run(gw.alice.sftp().port(gw.bastion.port()).flags("-b", batch.toString())
                .arguments("root@web-01@127.0.0.1"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.out()).contains("Remote working directory: /root");
        assertThat(result.stderr()).containsIgnoringCase("not found");
    }

    @Test
    void targetWithoutSftpIsReportedByNameAndTheGatewayGoesOn() throws Exception {
        try (OpenSshServer plain = OpenSshServer.builder().trustedUserCaKeys(gw.ca.userCaLine()).withoutSftp().start()) {
            gw.decider.host("no-sftp", new HostAndPort("127.0.0.1", plain.port())).grant("alice", "no-sftp", "root");
            Path batch = Files.writeString(dir.resolve("pwd-batch"), "pwd\n");

            Result refused = gw.alice.run(gw.alice.sftp().port(gw.bastion.port()).flags("-b", batch.toString())
                    .arguments("root@no-sftp@127.0.0.1"));

            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("gatehouse: host no-sftp does not offer sftp");
            Result after = gw.alice.run(gw.alice.sftp().port(gw.bastion.port()).flags("-b", batch.toString())
                    .arguments("root@web-01@127.0.0.1"));
            assertThat(after.exitCode()).as(after.stderr()).isZero();
        }
    }

    @Test
    void scpInBothModesCopiesByteExact() throws Exception {
        Path work = Files.createDirectories(dir.resolve("scp"));
        byte[] content = randomBytes(2 * 1024 * 1024 + 5);
        Files.write(work.resolve("a.bin"), content);
        Result legacyUp = gw.alice.run(scp("-O").arguments(work.resolve("a.bin").toString(),
                "127.0.0.1:" + work.resolve("b.bin")));
        Result sftpDown = gw.alice.run(scp("-s").arguments("127.0.0.1:" + work.resolve("b.bin"),
                work.resolve("c.bin").toString()));
        Result legacyDown = gw.alice.run(scp("-O").arguments("127.0.0.1:" + work.resolve("c.bin"),
                work.resolve("d.bin").toString()));

        assertThat(legacyUp.exitCode()).as(legacyUp.stderr()).isZero();
        assertThat(sftpDown.exitCode()).as(sftpDown.stderr()).isZero();
        assertThat(legacyDown.exitCode()).as(legacyDown.stderr()).isZero();
        assertThat(sha256(Files.readAllBytes(work.resolve("d.bin")))).isEqualTo(sha256(content));
        assertThat(gw.events.await(e -> e.startsWith("exec scp -t"))).isTrue();
        assertThat(gw.events.await(e -> e.startsWith("exec scp -f"))).isTrue();
        assertThat(gw.events.await(e -> e.equals("sftp read " + work.resolve("b.bin")))).isTrue();
    }

    @Test
    void rsyncOverProxyJumpSynchronisesATree() throws Exception {
        Path source = Files.createDirectories(dir.resolve("rsync-src/sub"));
        Files.write(source.resolve("one.bin"), randomBytes(300_000));
        Files.writeString(source.getParent().resolve("two.txt"), "two\n");
        Path target = dir.resolve("rsync-dst");

        Result result = gw.alice.run(gw.alice.rsync().option("ProxyJump", "alice@127.0.0.1:" + gw.bastion.port())
                .arguments("-a", source.getParent() + "/", "root@web-01:" + target + "/"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readAllBytes(target.resolve("sub/one.bin")))
                .isEqualTo(Files.readAllBytes(source.resolve("one.bin")));
        assertThat(target.resolve("two.txt")).hasContent("two");
        assertThat(gw.events.await(e -> e.startsWith("exec rsync --server"))).isTrue();
    }

    /** scp in the given mode ({@code -O} legacy, {@code -s} sftp) to web-01 through the bastion. */
    private OpenSshClient scp(String mode) {
        return gw.alice.scp().port(gw.bastion.port()).option("User", "root@web-01").flags(mode);
    }

    private static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
