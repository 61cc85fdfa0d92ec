package dev.gatehouse.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The load generator of the bastion benchmark's idle-session measurement: many interactive sessions, each a pty
 * shell channel through the gateway to a real target, opened and then left idle. {@code PER_CONNECTION} shell
 * channels share one SSH connection (as OpenSSH's ControlMaster would), each still its own gateway channel with its own
 * target channel; 1 gives every session its own connection, gateway session and target connection. A session counts
 * as open once the target's shell has answered a command through the gateway. Each line {@code open <k>} on standard
 * input opens k more sessions and then prints {@code OPEN <open> of <asked> retried <sessions opened again>}; when
 * standard input closes, every session closes.
 *
 * <p>It is one JVM with MINA's shared I/O threads, not a thousand OpenSSH processes (which would crowd the two cores
 * the gateway runs on). It accepts any host key: it measures the gateway, it does not check it; its key exchange is
 * curve25519-sha256, the cheapest both ends speak, so opening a thousand sessions leaves the cores to the gateway.
 *
 * <p>usage: {@code IdleSessions HOST PORT USER[,USER...] PRIVATE_KEY_FILE PER_CONNECTION}; the connections take
 * the user names (gateway routes such as {@code root@web-01}) in turn.
 */
public final class IdleSessions {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Connections set up at once: below the gateway's default of 20 unauthenticated connections per address. */
    private static final int OPENING_THREADS = 8;
    private static final int RETRIES = 2;

    private final SshClient client;
    private final String host;
    private final int port;
    private final List<String> users;
    private int connectionsMade;
    private int retried;
    private final KeyPair key;
    private final int perConnection;
    private final List<ClientSession> connections = new ArrayList<>();

    IdleSessions(String host, int port, List<String> users, KeyPair key, int perConnection) {
        this.host = host;
        this.port = port;
        this.users = List.copyOf(users);
        this.key = key;
        this.perConnection = perConnection;
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyExchangeFactories(List.<KeyExchangeFactory>of(
                ClientBuilder.DH2KEX.apply(BuiltinDHFactories.curve25519)));
        // Idle means idle: no keep-alive traffic from this side either.
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ZERO);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        client.start();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: IdleSessions HOST PORT USER[,USER...] PRIVATE_KEY_FILE PER_CONNECTION");
            System.exit(2);
        }
        KeyPair key;
        try (InputStream in = Files.newInputStream(Path.of(args[3]))) {
            key = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(args[3]), in, null)
                    .iterator().next();
        }
        IdleSessions sessions = new IdleSessions(args[0], Integer.parseInt(args[1]), List.of(args[2].split(",")), key,
                Math.max(1, Integer.parseInt(args[4])));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int open = 0;
        int asked = 0;
        try {
            String command;
            while ((command = commands.readLine()) != null) {
                if (command.startsWith("open ")) {
                    int more = Integer.parseInt(command.substring(5).trim());
                    asked += more;
                    open += sessions.open(more);
                    System.out.println("OPEN " + open + " of " + asked + " retried " + sessions.retried);
                }
            }
        } finally {
            sessions.close();
        }
    }

    /**
     * Opens {@code count} more sessions on new connections, {@code perConnection} to a connection, a few connections
     * at a time; a connection whose shells did not all come up is closed and opened again, up to {@code RETRIES}
     * rounds (a loaded machine's sshd can miss the gateway's dial timeout). Returns how many came up.
     */
    int open(int count) throws InterruptedException {
        int up = 0;
        for (int round = 0; round <= RETRIES && up < count; round++) {
            if (round > 0) {
                retried += count - up;
            }
            up += openRound(count - up);
        }
        return up;
    }

    private int openRound(int count) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(OPENING_THREADS);
        try {
            List<Future<Integer>> opened = new ArrayList<>();
            for (int first = 0; first < count; first += perConnection) {
                int shells = Math.min(perConnection, count - first);
                String user = users.get(connectionsMade++ % users.size());
                opened.add(pool.submit(() -> openConnection(user, shells)));
            }
            int up = 0;
            for (Future<Integer> connection : opened) {
                try {
                    up += connection.get();
                } catch (ExecutionException e) {
                    System.err.println("a connection failed: " + e.getCause());
                }
            }
            return up;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One logged-in connection with {@code shells} shell channels on it: all of them, or it is closed and 0. */
    private int openConnection(String user, int shells) throws Exception {
        ClientSession session = client.connect(user, host, port).verify(TIMEOUT).getSession();
        synchronized (connections) {
            connections.add(session);
        }
        try {
            session.addPublicKeyIdentity(key);
            session.auth().verify(TIMEOUT);
            for (int i = 0; i < shells; i++) {
                if (!openShell(session)) {
                    session.close(true);
                    return 0;
                }
            }
            return shells;
        } catch (Exception e) {
            session.close(true);
            throw e;
        }
    }

    /**
     * Opens a pty shell and has the target's shell answer once: the arithmetic's result appears only in what the
     * shell prints (the terminal's echo of the typed line shows the expression), so the session reached the target.
     */
    private static boolean openShell(ClientSession connection) throws Exception {
        ChannelShell shell = connection.createShellChannel(new PtyChannelConfiguration(), Map.of());
        Answer output = new Answer();
        shell.setOut(output);
        shell.setErr(output);
        shell.open().verify(TIMEOUT);
        OutputStream typed = shell.getInvertedIn();
        typed.write("echo $((6*7))-ready\n".getBytes(StandardCharsets.US_ASCII));
        typed.flush();
        if (output.seen.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            return true;
        }
        System.err.println("a shell did not answer; it wrote: " + output.text());
        return false;
    }

    void close() {
        synchronized (connections) {
            connections.forEach(c -> c.close(true));
        }
        client.stop();
    }

    /** Keeps the start of what a shell writes until it has written the answer, then discards it. */
    private static final class Answer extends OutputStream {
        private static final String MARK = "42-ready";
        final CountDownLatch seen = new CountDownLatch(1);
        private final StringBuilder text = new StringBuilder();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (seen.getCount() == 0 || text.length() > 4096) {
                return;
            }
            text.append(new String(b, off, len, StandardCharsets.ISO_8859_1));
            if (text.indexOf(MARK) >= 0) {
                seen.countDown();
                text.setLength(0);
            }
        }

        synchronized String text() {
            return text.toString();
        }
    }
}
