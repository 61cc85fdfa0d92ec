package dev.gatehouse.agent.enroll;

import dev.gatehouse.agent.tunnel.AgentCredentials;
import dev.gatehouse.pki.x509.Pem;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;

/**
 * What {@code join} leaves in the state directory, owner-only: the key, the certificate chain, the gateway CA and
 * the enrollment facts (gateway address, network, name). Files are replaced atomically on renewal.
 */
public final class AgentState {

    public static final String KEY = "agent.key";
    public static final String CERTIFICATE = "agent.crt";
    public static final String GATEWAY_CA = "gateway-ca.crt";
    public static final String ENROLLMENT = "enrollment.properties";

    /** The enrollment facts. */
    public record Enrollment(String gateway, String network, String name) {
    }

    private final Path directory;

    public AgentState(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public boolean joined() {
        return Files.exists(directory.resolve(CERTIFICATE)) && Files.exists(directory.resolve(KEY));
    }

    public void save(Enrollment enrollment, PrivateKey key, List<X509Certificate> chain,
            List<X509Certificate> gatewayCas) throws IOException {
        ensureDirectory();
        write(GATEWAY_CA, Pem.encode(gatewayCas.toArray(X509Certificate[]::new)));
        saveCredentials(key, chain);
        Properties facts = new Properties();
        facts.setProperty("gateway", enrollment.gateway());
        facts.setProperty("network", enrollment.network());
        facts.setProperty("name", enrollment.name());
        StringWriter text = new StringWriter();
        facts.store(text, "written by gatehouse-agent join");
        write(ENROLLMENT, text.toString());
    }

    /** Replaces key and certificate (renewal): the certificate last, so a crash in between leaves a usable pair. */
    public void saveCredentials(PrivateKey key, List<X509Certificate> chain) throws IOException {
        ensureDirectory();
        write(KEY + ".new", Pem.encode(key));
        write(CERTIFICATE + ".new", Pem.encode(chain.toArray(X509Certificate[]::new)));
        move(KEY + ".new", KEY);
        move(CERTIFICATE + ".new", CERTIFICATE);
    }

    public Enrollment enrollment() throws IOException {
        Properties facts = new Properties();
        try (Reader reader = new StringReader(read(ENROLLMENT))) {
            facts.load(reader);
        }
        return new Enrollment(required(facts, "gateway"), required(facts, "network"), required(facts, "name"));
    }

    public AgentCredentials credentials() throws IOException {
        try {
            return new AgentCredentials(Pem.privateKey(read(KEY)), Pem.certificates(read(CERTIFICATE)),
                    Pem.certificates(read(GATEWAY_CA)));
        } catch (IllegalArgumentException e) {
            throw new IOException("state in " + directory + " is unreadable (" + e.getMessage()
                    + "); join again", e);
        }
    }

    private String required(Properties facts, String name) throws IOException {
        String value = facts.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IOException(directory.resolve(ENROLLMENT) + " lacks '" + name + "'; join again");
        }
        return value.trim();
    }

    private String read(String name) throws IOException {
        Path file = directory.resolve(name);
        if (!Files.exists(file)) {
            throw new IOException(file + " does not exist: run 'gatehouse-agent join' first");
        }
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            if (posix()) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        }
    }

    private void write(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.deleteIfExists(file);
        if (posix()) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    private void move(String from, String to) throws IOException {
        try {
            Files.move(directory.resolve(from), directory.resolve(to), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(directory.resolve(from), directory.resolve(to), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
