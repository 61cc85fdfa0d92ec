package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} on a free 127.0.0.1 port, running as the current user from a temporary directory: the
 * target host of bastion and certificate tests. Public key and certificate logins only; root may log in with keys.
 *
 * <pre>{@code
 * try (OpenSshServer sshd = OpenSshServer.builder().trustedUserCaKeys(ca.publicKeyLine()).start()) {
 *     ... connect to 127.0.0.1:sshd.port() as root ...
 * }
 * }</pre>
 */
public final class OpenSshServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Path directory;
    private final Process process;
    private final int port;
    private final SshKeyFiles hostKey;
    private final Path logFile;

    private OpenSshServer(Path directory, Process process, int port, SshKeyFiles hostKey, Path logFile) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.hostKey = hostKey;
        this.logFile = logFile;
    }

    /**
     * Creates {@code /run/sshd}, which Debian's sshd needs at start and which a machine without systemd lacks
     * right after {@code apt-get install openssh-server}; for tests that start {@code sshd} themselves.
     */
    public static void createPrivilegeSeparationDirectory() {
        try {
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            throw new IllegalStateException("sshd needs its privilege separation directory /run/sshd and it cannot"
                    + " be created: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code sshd_config} line that gives logins a fresh, empty home ({@code HOME}) under {@code directory}: a
     * test's shell, scp or rsync must not run the machine user's dotfiles (root's {@code .bashrc} here runs pyenv,
     * whose rehash lock, once left behind by a killed shell, stalls every later login for 60 s).
     */
    public static String cleanHomeLine(Path directory) {
        try {
            Path home = Files.createDirectories(directory.resolve("home"));
            return "SetEnv HOME=" + home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The only account that can log in: sshd runs as the current user (root on the CI machines). */
    public String loginUser() {
        return System.getProperty("user.name");
    }

    /** The host's public key line, {@code ssh-ed25519 AAAA... comment}. */
    public String hostKeyLine() {
        return hostKey.publicKeyLine();
    }

    /** The line a client's known_hosts needs to trust this server by its plain host key: {@code [127.0.0.1]:port ...}. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port + " " + hostKey.publicKeyLine();
    }

    /** The server's working directory (its config, keys, log); removed on {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /** Everything sshd logged so far (LogLevel VERBOSE: accepted keys, certificate ids and serials, refusals). */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops sshd and its session processes, then deletes the directory. */
    @Override
    public void close() {
        stop();
        TempFiles.deleteRecursively(directory);
    }

    private void stop() {
        List<ProcessHandle> sessions = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions.forEach(ProcessHandle::destroyForcibly);
        // A connection child forked just before the stop may still be writing its log line into the directory.
        sessions.forEach(session -> session.onExit().completeOnTimeout(session, 10, TimeUnit.SECONDS).join());
    }

    /** Configuration of the server to start; every method may be called in any order. */
    public static final class Builder {

        private final List<String> trustedUserCaKeys = new ArrayList<>();
        private final List<String> authorizedKeys = new ArrayList<>();
        private final List<String> extraConfig = new ArrayList<>();
        private SshKeyFiles hostKey;
        private String hostCertificate;
        private String logLevel = "VERBOSE";
        private boolean sftp = true;

        private Builder() {
        }

        /** Leaves the {@code sftp} subsystem out, as on a target that does not offer it. */
        public Builder withoutSftp() {
            this.sftp = false;
            return this;
        }

        /** CA public key lines for {@code TrustedUserCAKeys}: certificates they sign log in. */
        public Builder trustedUserCaKeys(String... lines) {
            trustedUserCaKeys.addAll(List.of(lines));
            return this;
        }

        /** Plain public key lines for the {@code AuthorizedKeysFile} (by default none is used). */
        public Builder authorizedKeys(String... lines) {
            authorizedKeys.addAll(List.of(lines));
            return this;
        }

        /** Uses this host key instead of a fresh ed25519 one (e.g. so a CA can certify it before start). */
        public Builder hostKey(SshKeyFiles key) {
            this.hostKey = key;
            return this;
        }

        /** A host certificate line for {@link #hostKey(SshKeyFiles)}; sshd presents it ({@code HostCertificate}). */
        public Builder hostCertificate(String certificateLine) {
            this.hostCertificate = certificateLine;
            return this;
        }

        public Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        /** Extra {@code sshd_config} lines, appended last (sshd uses the first value given, so these cannot override). */
        public Builder config(String... lines) {
            extraConfig.addAll(List.of(lines));
            return this;
        }

        public OpenSshServer start() {
            String sshd = OpenSshBinaries.sshd();
            if (hostCertificate != null && hostKey == null) {
                throw new IllegalStateException("a host certificate needs the host key it certifies: call hostKey()");
            }
            createPrivilegeSeparationDirectory();
            Path directory = TempFiles.directory("gatehouse-sshd-");
            try {
                SshKeyFiles key = hostKey != null ? copyHostKey(directory) : SshKeys.ed25519(directory);
                IllegalStateException last = null;
                for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                    try {
                        return startOnce(sshd, directory, key);
                    } catch (PortTakenException e) {
                        last = e; // another process took the free port between our probe and sshd's bind
                    }
                }
                throw last;
            } catch (RuntimeException | IOException e) {
                TempFiles.deleteRecursively(directory);
                if (e instanceof IOException io) {
                    throw new UncheckedIOException(io);
                }
                throw (RuntimeException) e;
            }
        }

        private OpenSshServer startOnce(String sshd, Path directory, SshKeyFiles key) throws IOException {
            int port = freePort();
            Path config = directory.resolve("sshd_config");
            Path log = directory.resolve("sshd.log");
            Files.deleteIfExists(log);
            Files.write(config, configLines(directory, key, port));
            CommandResult check = ExternalCommand.run(List.of(sshd, "-t", "-f", config.toString()), new byte[0],
                    START_TIMEOUT);
            if (!check.succeeded()) {
                throw new IllegalStateException("sshd refuses the test configuration:\n" + check.stderr());
            }
            Process process = new ProcessBuilder(sshd, "-D", "-f", config.toString(), "-E", log.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("sshd.out").toFile())
                    .start();
            OpenSshServer server = new OpenSshServer(directory, process, port, key, log);
            awaitListening(server, process, port);
            return server;
        }

        private List<String> configLines(Path directory, SshKeyFiles key, int port) throws IOException {
            List<String> lines = new ArrayList<>(List.of(
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + key.privateKey(),
                    "PidFile " + directory.resolve("sshd.pid"),
                    "LogLevel " + logLevel,
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "UseDNS no",
                    "AllowTcpForwarding yes",
                    "MaxStartups 200",
                    "MaxSessions 100",
                    cleanHomeLine(directory)));
            if (sftp) {
                lines.add("Subsystem sftp internal-sftp");
            }
            if (hostCertificate != null) {
                Path certificate = key.writeCertificate(hostCertificate);
                lines.add("HostCertificate " + certificate);
            }
            if (!trustedUserCaKeys.isEmpty()) {
                Path file = Files.write(directory.resolve("trusted_user_ca_keys"), trustedUserCaKeys);
                lines.add("TrustedUserCAKeys " + file);
            }
            if (authorizedKeys.isEmpty()) {
                lines.add("AuthorizedKeysFile none");
            } else {
                lines.add("AuthorizedKeysFile " + Files.write(directory.resolve("authorized_keys"), authorizedKeys));
            }
            if (OpenSshBinaries.version() >= 908) {
                // Since 9.8 sshd penalises addresses with failed logins; every test connects from 127.0.0.1.
                lines.add("PerSourcePenalties no");
            }
            lines.addAll(extraConfig);
            return lines;
        }

        private SshKeyFiles copyHostKey(Path directory) throws IOException {
            Path privateKey = directory.resolve("ssh_host_key");
            Files.copy(hostKey.privateKey(), privateKey);
            Path publicKey = directory.resolve("ssh_host_key.pub");
            Files.copy(hostKey.publicKey(), publicKey);
            return new SshKeyFiles(privateKey, publicKey, hostKey.publicKeyLine());
        }

        private static void awaitListening(OpenSshServer server, Process process, int port) {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    String log = server.log() + readQuietly(server.directory().resolve("sshd.out"));
                    server.stop();
                    if (log.contains("Address already in use") || log.contains("Bind to port")) {
                        throw new PortTakenException(log);
                    }
                    throw new IllegalStateException("sshd exited with " + process.exitValue() + " at start:\n" + log);
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                    return;
                } catch (IOException notYet) {
                    sleepBriefly();
                }
            }
            String log = server.log();
            server.stop();
            throw new IllegalStateException("sshd did not accept connections on port " + port + " within "
                    + START_TIMEOUT + ":\n" + log);
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                return socket.getLocalPort();
            }
        }

        private static String readQuietly(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file) : "";
            } catch (IOException e) {
                return "";
            }
        }

        private static void sleepBriefly() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for sshd", e);
            }
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String log) {
            super("sshd could not bind its port:\n" + log);
        }
    }
}
