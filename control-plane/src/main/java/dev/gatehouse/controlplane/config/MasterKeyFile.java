package dev.gatehouse.controlplane.config;

import dev.gatehouse.pki.seal.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 32-byte master key that seals the CAs' private keys: {@code gatehouse.secrets.master-key} when set, else the file
 * {@code gatehouse.master-key-file} names (kept apart from the data directory and its backups), else
 * {@code <data-dir>/master.key}; a missing file is created once with mode 0600. The key itself is never logged.
 */
public final class MasterKeyFile {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyFile.class);
    static final String FILE_NAME = "master.key";
    static final String FILE_SETTING = "gatehouse.master-key-file";

    private MasterKeyFile() {}

    /** Returns the master key, generating the key file on the first start. */
    public static MasterKey load(GatehouseSettings settings) {
        Objects.requireNonNull(settings, "settings");
        String configured = settings.secrets().masterKey();
        if (configured != null && settings.masterKeyFile() != null) {
            throw new InvalidSettingException(FILE_SETTING, "either " + FILE_SETTING + " or " + MasterKey.SETTING
                    + ", not both", "set together with " + MasterKey.SETTING);
        }
        if (configured != null) {
            log.info("Master key: from gatehouse.secrets.master-key");
            return decode(configured, MasterKey.SETTING);
        }
        boolean elsewhere = settings.masterKeyFile() != null;
        Path file = (elsewhere ? settings.masterKeyFile() : settings.dataDir().resolve(FILE_NAME)).toAbsolutePath();
        String source = elsewhere ? FILE_SETTING + " (" + file + ")" : file.toString();
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            if (!OwnerOnly.isOwnerOnly(file)) {
                // Whoever reads the key opens every CA: refuse rather than run with it exposed.
                throw new InvalidSettingException(elsewhere ? FILE_SETTING : file.toString(),
                        "a file only its owner can read (chmod 600 " + file + ")", "readable by group or others");
            }
            return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    private static void generate(Path file) throws IOException {
        OwnerOnly.directory(file.getParent());
        MasterKey key = MasterKey.generate();
        if (!OwnerOnly.createFile(file, key.toBase64() + "\n")) {
            return;
        }
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
