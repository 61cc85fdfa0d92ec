package dev.gatehouse.controlplane.config;

import dev.gatehouse.pki.seal.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 32-byte master key that seals the CAs' private keys: {@code gatehouse.secrets.master-key} when set, else
 * {@code <data-dir>/master.key}, created once with mode 0600. The key itself is never logged.
 */
public final class MasterKeyFile {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyFile.class);
    static final String FILE_NAME = "master.key";

    private MasterKeyFile() {}

    /** Returns the master key, generating the key file on the first start. */
    public static MasterKey load(GatehouseSettings settings) {
        Objects.requireNonNull(settings, "settings");
        String configured = settings.secrets().masterKey();
        if (configured != null) {
            log.info("Master key: from gatehouse.secrets.master-key");
            return decode(configured, MasterKey.SETTING);
        }
        Path file = settings.dataDir().resolve(FILE_NAME).toAbsolutePath();
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    private static void generate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        MasterKey key = MasterKey.generate();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, key.toBase64() + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.TRUNCATE_EXISTING);
        log.warn("Master key: generated a new one into {} (mode 0600). Back it up: without it the certificate "
                + "authorities' private keys cannot be opened.", file);
    }

    private static MasterKey decode(String base64, String source) {
        MasterKey key;
        try {
            key = MasterKey.parse(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(source, "the base64 encoding of exactly 32 bytes, e.g. from"
                    + " 'openssl rand -base64 32'", "not a usable master key");
        }
        log.info("Master key: loaded from {}", source);
        return key;
    }
}
