package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a real OpenSSH client program ({@code ssh}, {@code scp}, {@code sftp}) or {@code rsync} over ssh, isolated
 * from the machine's configuration: {@code -F none}, batch mode, only the given identity, a private known_hosts.
 *
 * <pre>{@code
 * CommandResult result = OpenSshClient.ssh()
 *         .port(sshd.port()).identity(key.privateKey()).certificate(key.certificate())
 *         .knownHosts(sshd.knownHostsLine())
 *         .arguments("root@127.0.0.1", "true")
 *         .run();
 * }</pre>
 *
 * Without {@link #knownHosts(String...)} the host key is not checked ({@code StrictHostKeyChecking no}); with it,
 * only those lines are trusted ({@code StrictHostKeyChecking yes}).
 */
public final class OpenSshClient {

    /** Default limit for one run; generous because the machine running the tests may be loaded. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String program;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> arguments = new ArrayList<>();
    private final List<String> knownHosts = new ArrayList<>();
    private Integer port;
    private Path identity;
    private Path configFile;
    private Path transport;
    private byte[] stdin = new byte[0];
    private Duration timeout = DEFAULT_TIMEOUT;

    private OpenSshClient(String program) {
        this.program = program;
    }

    public static OpenSshClient ssh() {
        return new OpenSshClient("ssh");
    }

    public static OpenSshClient scp() {
        return new OpenSshClient("scp");
    }

    public static OpenSshClient sftp() {
        return new OpenSshClient("sftp");
    }

    /** rsync with {@code -e "ssh <the options of this builder>"}; {@link #arguments} are rsync's own. */
    public static OpenSshClient rsync() {
        return new OpenSshClient("rsync");
    }

    public OpenSshClient port(int value) {
        this.port = value;
        return this;
    }

    /** The private key to offer; nothing else is offered ({@code IdentitiesOnly yes}). */
    public OpenSshClient identity(Path privateKey) {
        this.identity = privateKey;
        return this;
    }

    /**
     * Reads this config file ({@code -F file}, e.g. one written by {@link SshClientConfig}) instead of {@code -F none}
     * and its isolating defaults; a file, unlike {@code -o} options, also holds for the ssh a ProxyJump starts.
     */
    public OpenSshClient config(Path file) {
        this.configFile = file;
        return this;
    }

    /**
     * Runs this program in place of {@code ssh} as the transport of scp or sftp ({@code -S}) or rsync ({@code -e}),
     * e.g. a stand-in that tees what passes through it.
     */
    public OpenSshClient via(Path sshProgram) {
        if (program.equals("ssh")) {
            throw new IllegalStateException("ssh is its own transport");
        }
        this.transport = sshProgram;
        return this;
    }

    /** A certificate file to present with the identity ({@code CertificateFile}). */
    public OpenSshClient certificate(Path certificateFile) {
        return option("CertificateFile", certificateFile.toString());
    }

    /** Trusts exactly these known_hosts lines and checks host keys strictly. */
    public OpenSshClient knownHosts(String... lines) {
        knownHosts.addAll(List.of(lines));
        return this;
    }

    /** Any {@code -o Name=value} option; later calls for the same name replace earlier ones. */
    public OpenSshClient option(String name, String value) {
        options.put(name, value);
        return this;
    }

    /** Flags placed before the arguments, e.g. {@code -N}, {@code -L 8080:host:80}, {@code -r}. */
    public OpenSshClient flags(String... values) {
        flags.addAll(List.of(values));
        return this;
    }

    /** The program's operands, e.g. {@code "root@127.0.0.1", "uname -a"} for ssh. */
    public OpenSshClient arguments(String... values) {
        arguments.addAll(List.of(values));
        return this;
    }

    public OpenSshClient stdin(byte[] bytes) {
        this.stdin = bytes.clone();
        return this;
    }

    public OpenSshClient timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    /** Runs the program to completion; fails if it does not finish within the timeout. */
    public CommandResult run() {
        Path work = TempFiles.directory("gatehouse-ssh-client-");
        try {
            return ExternalCommand.run(command(work), stdin, timeout);
        } finally {
            TempFiles.deleteRecursively(work);
        }
    }

    /**
     * The process, not started, for tests that drive it themselves (live sessions, port forwards) and choose its
     * redirects; needs no working files, so not with {@link #knownHosts} (use {@link #config}).
     */
    public ProcessBuilder process() {
        if (!knownHosts.isEmpty()) {
            throw new IllegalStateException("knownHosts lines need command(work); use a config file instead");
        }
        return new ProcessBuilder(command(null));
    }

    /**
     * The argument vector {@link #run()} would use, for tests that drive the process themselves (interactive
     * sessions, port forwards). Files it names (known_hosts) are written under {@code work}, which the caller owns.
     */
    public List<String> command(Path work) {
        List<String> sshOptions = sshOptions(work);
        List<String> command = new ArrayList<>();
        if (program.equals("rsync")) {
            List<String> remoteShell = new ArrayList<>(List.of(sshProgram()));
            if (port != null) {
                remoteShell.addAll(List.of("-p", port.toString()));
            }
            remoteShell.addAll(sshOptions);
            command.addAll(List.of(OpenSshBinaries.client("rsync"), "-e", shellJoin(remoteShell)));
        } else {
            command.add(OpenSshBinaries.client(program));
            if (transport != null) {
                command.addAll(List.of("-S", transport.toString()));
            }
            if (port != null) {
                command.addAll(List.of(program.equals("ssh") ? "-p" : "-P", port.toString()));
            }
            command.addAll(sshOptions);
        }
        command.addAll(flags);
        command.addAll(arguments);
        return command;
    }

    private String sshProgram() {
        return transport == null ? OpenSshBinaries.client("ssh") : transport.toString();
    }

    private List<String> sshOptions(Path work) {
        Map<String, String> effective = new LinkedHashMap<>();
        if (configFile == null) {
            effective.put("BatchMode", "yes");
            effective.put("ConnectTimeout", "30");
            effective.put("GlobalKnownHostsFile", "/dev/null");
            if (knownHosts.isEmpty()) {
                effective.put("StrictHostKeyChecking", "no");
                effective.put("UserKnownHostsFile", "/dev/null");
            }
        }
        if (!knownHosts.isEmpty()) {
            try {
                Path file = Files.write(work.resolve("known_hosts"), knownHosts);
                effective.put("StrictHostKeyChecking", "yes");
                effective.put("UserKnownHostsFile", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (identity != null) {
            effective.put("IdentitiesOnly", "yes");
            effective.put("IdentityFile", identity.toString());
            effective.put("IdentityAgent", "none");
        }
        effective.putAll(options);
        return withOptions(List.of("-F", configFile == null ? "none" : configFile.toString()), effective);
    }

    private static List<String> withOptions(List<String> head, Map<String, String> options) {
        List<String> result = new ArrayList<>(head);
        options.forEach((name, value) -> result.addAll(List.of("-o", name + "=" + value)));
        return result;
    }

    private static String shellJoin(List<String> words) {
        StringBuilder joined = new StringBuilder();
        for (String word : words) {
            if (!joined.isEmpty()) {
                joined.append(' ');
            }
            joined.append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return joined.toString();
    }
}
