package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An OpenSSH key pair on disk, made by the real {@code ssh-keygen}.
 *
 * @param privateKey    the private key file (mode 0600, as ssh requires)
 * @param publicKey     the {@code .pub} file next to it
 * @param publicKeyLine the public key line, e.g. {@code ssh-ed25519 AAAA... comment}
 */
public record SshKeyFiles(Path privateKey, Path publicKey, String publicKeyLine) {

    /** Where OpenSSH looks for this key's certificate: {@code <private key>-cert.pub}. */
    public Path certificate() {
        return privateKey.resolveSibling(privateKey.getFileName() + "-cert.pub");
    }

    /** Writes a certificate line to {@link #certificate()} and returns that path. */
    public Path writeCertificate(String certificateLine) {
        try {
            return Files.writeString(certificate(), certificateLine.strip() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fingerprint as {@code ssh-keygen -lf} prints it, e.g. {@code SHA256:abc...}. */
    public String fingerprint() {
        CommandResult result = ExternalCommand.runSuccessfully(
                List.of(OpenSshBinaries.client("ssh-keygen"), "-l", "-E", "sha256", "-f", publicKey.toString()),
                Duration.ofSeconds(30));
        return result.stdoutText().split(" ", 3)[1];
    }
}
