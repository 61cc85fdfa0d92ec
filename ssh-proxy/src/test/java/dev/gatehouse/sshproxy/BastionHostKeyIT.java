package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.dial.DirectDialer;
import dev.gatehouse.sshproxy.events.BastionListener;
import dev.gatehouse.sshproxy.fixture.StaticAccessDecider;
import dev.gatehouse.sshproxy.fixture.TestCertificateAuthority;
import dev.gatehouse.sshproxy.server.BastionConfig;
import dev.gatehouse.sshproxy.server.BastionServer;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BastionHostKeyIT {

    @TempDir
    Path dir;

    @Test
    void hostKeySurvivesARestart() throws Exception {
        BastionConfig config = BastionConfig.defaults(dir, 0, List.of("127.0.0.1")).withBindAddress("127.0.0.1");
        TestCertificateAuthority ca = new TestCertificateAuthority();
        PublicKey first;
        try (BastionServer bastion = new BastionServer(config, new StaticAccessDecider(), ca, new DirectDialer(),
                new BastionListener() { })) {
            bastion.start();
            first = bastion.hostKey();
        }
        try (BastionServer again = new BastionServer(config, new StaticAccessDecider(), ca, new DirectDialer(),
                new BastionListener() { })) {
            again.start();
            assertThat(again.hostKey()).isEqualTo(first);
        }
    }
}
