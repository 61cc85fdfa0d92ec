package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenSSH client config file for {@code ssh -F}: one identity, no agent, and only the given known_hosts lines
 * trusted, strictly (so a host-key prompt fails the test). A file rather than {@code -o} options so that the ssh a
 * ProxyJump starts uses the same identity and trust.
 */
public final class SshClientConfig {

    private SshClientConfig() {
    }

    /**
     * Writes {@code file} and, beside it, {@code <file>.known_hosts} holding {@code knownHostsLines}; returns
     * {@code file}.
     */
    public static Path write(Path file, Path identity, String... knownHostsLines) {
        return write(file, identity, List.of(knownHostsLines));
    }

    /** As {@link #write(Path, Path, String...)}, with more options for every host, e.g. {@code "BindAddress 127.0.0.9"}. */
    public static Path write(Path file, Path identity, List<String> knownHostsLines, String... moreOptions) {
        Path knownHosts = file.resolveSibling(file.getFileName() + ".known_hosts");
        List<String> lines = new ArrayList<>(List.of(
                "Host *",
                "  IdentityFile " + identity,
                "  IdentitiesOnly yes",
                "  IdentityAgent none",
                "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile /dev/null",
                "  StrictHostKeyChecking yes",
                "  BatchMode yes",
                "  ConnectTimeout 15",
                "  ControlMaster no",
                "  ControlPath none"));
        for (String option : moreOptions) {
            lines.add("  " + option);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(knownHosts, knownHostsLines);
            return Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
