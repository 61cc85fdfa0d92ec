package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.fixture.GatewayUnderTest;
import dev.gatehouse.sshproxy.fixture.SshRun;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.sshproxy.server.BastionConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed logins cannot lock anyone else out: failures count per source address and per (address, user), and the
 * inner login of a ProxyJump is never counted. Clients pick their source address on loopback with {@code ssh -b}.
 */
class BastionLockoutIT {

    @TempDir
    Path dir;

    @Test
    void failedLoginsForAUserFromOneAddressDoNotStopThatUserFromAnother() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            SshRun mallory = SshRun.create(dir.resolve("mallory"), gw.ca.knownHostsLine());
            for (int i = 0; i < 30; i++) {
                Result failed = mallory.ssh(from("127.0.0.2", gw.direct("root", "web-01", "true")));
                assertThat(failed.stderr()).contains("Permission denied");
            }

            Result sameAddress = gw.alice.ssh(from("127.0.0.2", gw.direct("root", "web-01", "echo in")));
            Result otherAddress = gw.alice.ssh(from("127.0.0.3", gw.direct("root", "web-01", "echo in")));

            assertThat(sameAddress.exitCode()).as("the guessing address is held back").isEqualTo(255);
            assertThat(otherAddress.exitCode()).as(otherAddress.stderr()).isZero();
            assertThat(otherAddress.out()).isEqualTo("in\n");
            // 31 refusals from 127.0.0.2 within the interval: the first in full, the rest counted into one event.
            gw.bastion.close();
            assertThat(gw.events.denials).filteredOn(d -> d.source().startsWith("127.0.0.2")).hasSize(2)
                    .anyMatch(d -> d.reason().startsWith("30 more refusals from this address between "));
        }
    }

    @Test
    void outsidersFailingAsRootDoNotLockTheInnerLoginOfAProxyJump() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(dir)) {
            SshRun mallory = SshRun.create(dir.resolve("mallory"), gw.ca.knownHostsLine());
            for (int i = 0; i < 30; i++) {
                mallory.ssh(from("127.0.0.2", "-p", String.valueOf(gw.bastion.port()), "root@127.0.0.1", "true"));
            }

            Result jump = gw.alice.ssh(gw.jump("root", "web-01", "echo jumped"));

            assertThat(jump.exitCode()).as(jump.stderr()).isZero();
            assertThat(jump.out()).isEqualTo("jumped\n");
        }
    }

    @Test
    void connectionsWaitingToAuthenticateAreCappedPerAddress() throws Exception {
        BastionConfig.AuthLimits limits = new BastionConfig.AuthLimits(50, 10, Duration.ofMinutes(5), 10_000, 3, 200,
                Duration.ofMinutes(1));
        try (GatewayUnderTest gw = new GatewayUnderTest(dir, config -> config.withAuthLimits(limits))) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.4"), 0));
                    socket.connect(new InetSocketAddress("127.0.0.1", gw.bastion.port()));
                    silent.add(socket);
                }
                awaitBanner(silent);

                Result capped = gw.alice.ssh(from("127.0.0.4", gw.direct("root", "web-01", "echo in")));
                Result elsewhere = gw.alice.ssh(from("127.0.0.5", gw.direct("root", "web-01", "echo in")));

                assertThat(capped.exitCode()).isEqualTo(255);
                assertThat(capped.out()).isEmpty();
                assertThat(elsewhere.exitCode()).as(elsewhere.stderr()).isZero();
                assertThat(gw.events.denials).anyMatch(d -> d.request().equals("auth connect")
                        && d.reason().contains("from 127.0.0.4 waiting to authenticate (limit 3)"));
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
            Result afterwards = awaitAdmitted(gw);
            assertThat(afterwards.exitCode()).as(afterwards.stderr()).isZero();
        }
    }

    /** The bastion has accepted each silent connection once it has sent its identification line. */
    private static void awaitBanner(List<Socket> sockets) throws Exception {
        for (Socket socket : sockets) {
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).isEqualTo('S');
        }
    }

    private static Result awaitAdmitted(GatewayUnderTest gw) throws Exception {
        Result result = null;
        for (int i = 0; i < 50; i++) {
            result = gw.alice.ssh(from("127.0.0.4", gw.direct("root", "web-01", "true")));
            if (result.exitCode() == 0) {
                return result;
            }
            Thread.sleep(100);
        }
        return result;
    }

    private static String[] from(String address, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-b";
        all[1] = address;
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }
}
