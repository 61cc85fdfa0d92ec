package dev.gatehouse.controlplane.database;

import dev.gatehouse.controlplane.config.OwnerOnly;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The passwords of the embedded PostgreSQL's three roles, generated on the first start into
 * {@code <data-dir>/postgres.passwords} (mode 0600): its superuser, the owner of the tables (migrations) and the
 * application's runtime role. An operator reads them there to use {@code psql}.
 */
record EmbeddedPasswords(String superuser, String owner, String runtime) {

    static final String FILE_NAME = "postgres.passwords";
    static final String SUPERUSER = "postgres";
    static final String OWNER = "gatehouse_owner";
    static final String RUNTIME = "gatehouse";

    @Override
    public String toString() {
        return "EmbeddedPasswords[***]";
    }

    /** Reads the passwords of {@code dataDir}, generating the file when it is not there. */
    static EmbeddedPasswords in(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            OwnerOnly.directory(dataDir);
            OwnerOnly.createFile(file, "# Passwords of the embedded PostgreSQL's roles (127.0.0.1, port in postgres/postmaster.pid).\n"
                    + SUPERUSER + "=" + generate() + "\n" + OWNER + "=" + generate() + "\n" + RUNTIME + "=" + generate() + "\n");
            if (!OwnerOnly.isOwnerOnly(file)) {
                throw new IllegalStateException(file + " is readable by group or others: chmod 600 " + file);
            }
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                properties.load(reader);
            }
            return new EmbeddedPasswords(required(properties, SUPERUSER, file), required(properties, OWNER, file),
                    required(properties, RUNTIME, file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static String required(Properties properties, String role, Path file) {
        String password = properties.getProperty(role);
        if (password == null || password.isBlank()) {
            throw new IllegalStateException(file + " has no password for the role " + role);
        }
        return password.strip();
    }

    private static String generate() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
