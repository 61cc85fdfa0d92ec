package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Generates OpenSSH key pairs with the real {@code ssh-keygen}, unencrypted, into a directory the test owns. */
public final class SshKeys {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private SshKeys() {
    }

    public static SshKeyFiles ed25519(Path directory) {
        return generate(directory, "ed25519", 0);
    }

    /** ECDSA on the curve of the given size: 256, 384 or 521. */
    public static SshKeyFiles ecdsa(Path directory, int bits) {
        return generate(directory, "ecdsa", bits);
    }

    public static SshKeyFiles rsa(Path directory, int bits) {
        return generate(directory, "rsa", bits);
    }

    /**
     * Runs {@code ssh-keygen -t type [-b bits] -N "" -f <dir>/id_<type>_<n>}.
     *
     * @param bits the key size, or 0 for the type's default
     */
    public static SshKeyFiles generate(Path directory, String type, int bits) {
        Path privateKey = directory.toAbsolutePath()
                .resolve("id_" + type + "_" + (bits > 0 ? bits + "_" : "") + SEQUENCE.incrementAndGet());
        List<String> command = new ArrayList<>(List.of(OpenSshBinaries.client("ssh-keygen"), "-q", "-t", type));
        if (bits > 0) {
            command.addAll(List.of("-b", Integer.toString(bits)));
        }
        command.addAll(List.of("-N", "", "-C", privateKey.getFileName() + "@gatehouse-test", "-f",
                privateKey.toString()));
        try {
            Files.createDirectories(directory);
            ExternalCommand.runSuccessfully(command, Duration.ofMinutes(2));
            Path publicKey = privateKey.resolveSibling(privateKey.getFileName() + ".pub");
            return new SshKeyFiles(privateKey, publicKey, Files.readString(publicKey).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the real {@code ssh-keygen} with these arguments, e.g. {@code "-L", "-f", certificateFile}. */
    public static CommandResult sshKeygen(String... arguments) {
        List<String> command = new ArrayList<>(List.of(OpenSshBinaries.client("ssh-keygen")));
        command.addAll(List.of(arguments));
        return ExternalCommand.run(command, new byte[0], Duration.ofMinutes(1));
    }
}
