package dev.gatehouse.sshproxy.bench;

import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Side-by-side figures on this machine (not a test; prints, asserts nothing): bulk download through the bastion
 * (recording adapter on) against direct OpenSSH and OpenSSH's own ProxyJump, and {@code ssh host true} set-up time.
 * Run: {@code ./mvnw -pl ssh-proxy -am verify -Dit.test=none -Dtest=BastionThroughputBench -Dbench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class BastionThroughputBench {

    private static final int MIB = Integer.getInteger("bench.mib", 512);

    @TempDir
    Path dir;

    @Test
    void printFigures() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            // Let alice's own key log in to the target directly (a certificate for root), for the baselines.
            var cert = gw.ca.issueDirectCertificate("root", gw.alice.key().publicKey());
            Files.writeString(Path.of(gw.alice.key().privateKey() + "-cert.pub"),
                    PublicKeyEntry.toString(cert) + "\n");
            String target = String.valueOf(gw.target.port());
            String hostKey = PublicKeyEntry.toString(gw.target.hostKey());
            Files.writeString(dir.resolve("alice/known_hosts"), "[127.0.0.1]:" + target + " " + hostKey + "\n"
                    + "[localhost]:" + target + " " + hostKey + "\n", java.nio.file.StandardOpenOption.APPEND);
            String cmd = "head -c " + MIB + "M /dev/zero";
            String[] gcm = {"-c", "aes128-gcm@openssh.com"};

            double direct = rate(gw.alice, concat(gcm, "-p", target, "root@127.0.0.1", cmd));
            double jump = rate(gw.alice, concat(gcm, "-J", "root@127.0.0.1:" + target, "-p", target, "root@localhost",
                    cmd));
            double bastion = rate(gw.alice, concat(gcm, gw.direct("root", "web-01", cmd)));
            double bastionJump = rate(gw.alice, concat(gcm, gw.jump("root", "web-01", cmd)));
            System.out.printf("download %d MiB: direct %.0f MiB/s, OpenSSH ProxyJump %.0f MiB/s, bastion login@host %.0f"
                    + " MiB/s (%.2fx ProxyJump), bastion -J %.0f MiB/s (%.2fx ProxyJump)%n", MIB, direct, jump, bastion,
                    bastion / jump, bastionJump, bastionJump / jump);

            double setupDirect = setup(gw.alice, "-p", target, "root@127.0.0.1", "true");
            double setupBastion = setup(gw.alice, gw.direct("root", "web-01", "true"));
            System.out.printf("ssh host true, median of 15: direct %.0f ms, bastion %.0f ms (%.2fx)%n", setupDirect,
                    setupBastion, setupBastion / setupDirect);
        }
    }

    private static double rate(SshRun run, String... args) throws Exception {
        long start = System.nanoTime();
        SshRun.Result result = run.ssh(args);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.exitCode() != 0 || result.stdout().length != MIB * 1024L * 1024L) {
            throw new IllegalStateException("transfer failed: " + result.stderr());
        }
        return MIB / seconds;
    }

    private static double setup(SshRun run, String... args) throws Exception {
        double[] times = new double[15];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            run.ssh(args);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }

    private static String[] concat(String[] first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
