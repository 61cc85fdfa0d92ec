package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import dev.gatehouse.sshproxy.server.BastionServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hostile or broken clients get a clear refusal, and the gateway keeps serving everyone else. */
class BastionHostileClientIT extends AgainstOneTarget {

    @AfterEach
    void othersAreStillServed() throws Exception {
        Result normal = gw.alice.ssh(gw.direct("root", "web-01", "echo still-served"));
        assertThat(normal.exitCode()).as(normal.stderr()).isZero();
        assertThat(normal.out()).isEqualTo("still-served\n");
    }

    @Test
    void garbageAfterTheVersionLineClosesOnlyThatConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gw.bastion.port())) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write("SSH-2.0-hostile\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] garbage = new byte[64 * 1024];
            new Random(7).nextBytes(garbage);
            try {
                out.write(garbage);
                out.flush();
            } catch (java.io.IOException closedWhileWriting) {
                // the gateway may hang up before it has read it all
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                in.transferTo(answer);
            } catch (java.net.SocketException reset) {
                // a reset is a close too
            }
            assertThat(answer.toString(StandardCharsets.US_ASCII)).startsWith("SSH-2.0-Gatehouse");
        }
    }

    @Test
    void hundredsOfChannelsOnOneConnectionGetThatConnectionClosedAtTheCap() throws Exception {
        try (SshClient client = client(); ClientSession session = login(client, "root@web-01")) {
            int opened = 0;
            for (int i = 0; i < 300 && session.isOpen(); i++) {
                // A bare session channel: opened, never asked to run anything.
                ClientChannel channel = new org.apache.sshd.client.channel.ChannelSession();
                try {
                    session.getService(ConnectionService.class).registerChannel(channel);
                } catch (IllegalStateException sessionClosing) {
                    break;
                }
                OpenFuture open = channel.open();
                open.await(Duration.ofSeconds(10));
                if (open.isOpened()) {
                    opened++;
                }
            }

            // MINA refuses the channel after the cap (it lets the cap's own count through, hence + 1).
            assertThat(opened).isBetween(BastionServer.MAX_CHANNELS_PER_CONNECTION,
                    BastionServer.MAX_CHANNELS_PER_CONNECTION + 1);
            assertThat(session.waitFor(EnumSet.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED),
                    Duration.ofSeconds(10))).contains(ClientSession.ClientSessionEvent.CLOSED);
        }
    }

    @Test
    void anAbsurdTerminalSizeIsRefusedAndTheCommandRunsWithoutATerminal() throws Exception {
        try (SshClient client = client(); ClientSession session = login(client, "root@web-01")) {
            ChannelExec exec = session.createExecChannel("tty");
            exec.setUsePty(true);
            exec.setPtyColumns(100_000);
            exec.setPtyLines(100_000);

            String output = run(exec);

            assertThat(output).contains("not a tty");
            assertThat(gw.events.denials).anyMatch(d -> d.request().equals("pty 100000x100000")
                    && d.reason().contains("terminal size"));
        }
    }

    @Test
    void aHugeEnvironmentValueIsRefusedAndNotPassedOn() throws Exception {
        try (SshClient client = client(); ClientSession session = login(client, "root@web-01")) {
            ChannelExec exec = session.createExecChannel("echo LANG=${LANG:-unset}");
            exec.setEnv("LANG", "C." + "x".repeat(200_000));

            String output = run(exec);

            assertThat(output).isEqualTo("LANG=unset\n");
            assertThat(gw.events.denials).anyMatch(d -> d.request().equals("env LANG"));
        }
    }

    @Test
    void hostileSftpPathsGetTheTargetsErrorAndTheSessionGoesOn() throws Exception {
        Path batch = dir.resolve("hostile-batch");
        Files.writeString(batch, String.join("\n",
                "-get ../../../../../../nonexistent/\u0001\u001b[31mred /tmp/never",
                "-get " + "n".repeat(1000) + " /tmp/never",
                "-rename /nonexistent-a /nonexistent-b",
                "-mkdir /proc/not-allowed-here",
                "pwd",
                ""));

        Result result = gw.alice.run(gw.alice.sftp().port(gw.bastion.port()).flags("-b", batch.toString())
                .arguments("root@web-01@127.0.0.1"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.out()).contains("Remote working directory: /root");
        assertThat(gw.events.sftp).anyMatch(e -> e.op().equals("rename") && e.error() != null);
    }

    private SshClient client() throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(gw.alice.key().privateKey()));
        client.start();
        return client;
    }

    private ClientSession login(SshClient client, String user) throws Exception {
        ClientSession session = client.connect(user, "127.0.0.1", gw.bastion.port()).verify(Duration.ofSeconds(20))
                .getSession();
        session.auth().verify(Duration.ofSeconds(20));
        return session;
    }

    private static String run(ChannelExec exec) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exec.setOut(out);
        exec.setErr(out);
        exec.open().verify(Duration.ofSeconds(20));
        exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
        return out.toString(StandardCharsets.UTF_8);
    }
}
