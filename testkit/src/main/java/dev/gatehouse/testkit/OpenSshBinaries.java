package dev.gatehouse.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the OpenSSH programs and says which Debian package to install when one is missing. */
final class OpenSshBinaries {

    private static final Pattern VERSION = Pattern.compile("OpenSSH_(\\d+)\\.(\\d+)");

    private OpenSshBinaries() {
    }

    static String sshd() {
        return require(Path.of("/usr/sbin/sshd"), "openssh-server");
    }

    static String client(String program) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin"}) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String owner = program.equals("rsync") ? "rsync" : "openssh-client";
        throw new IllegalStateException(program + " is not installed; these tests run the real OpenSSH tools:"
                + " apt-get install " + owner);
    }

    private static volatile int version;

    /** The OpenSSH version as major * 100 + minor (9.2 is 902), read once from {@code ssh -V}. */
    static int version() {
        if (version == 0) {
            version = readVersion();
        }
        return version;
    }

    private static int readVersion() {
        CommandResult result = ExternalCommand.run(List.of(client("ssh"), "-V"), new byte[0], Duration.ofSeconds(30));
        Matcher matcher = VERSION.matcher(result.stderr() + result.stdoutText());
        if (!matcher.find()) {
            throw new IllegalStateException("cannot read the OpenSSH version from: " + result.stderr());
        }
        return Integer.parseInt(matcher.group(1)) * 100 + Integer.parseInt(matcher.group(2));
    }

    private static String require(Path path, String debianPackage) {
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing; these tests run a real OpenSSH server: apt-get install "
                    + debianPackage);
        }
        return path.toString();
    }
}
