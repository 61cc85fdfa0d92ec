package dev.gatehouse.controlplane.database;

import dev.gatehouse.controlplane.config.OwnerOnly;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded PostgreSQL closed and durable: SCRAM-SHA-256 for every connection (no trust line), TCP on
 * loopback only and no Unix socket, fsync, synchronous_commit and full_page_writes on (fsync off only when a test asks).
 * The tables belong to {@value EmbeddedPasswords#OWNER}; the application logs in as {@value EmbeddedPasswords#RUNTIME},
 * which owns nothing. A data directory of an earlier version (trust, the superuser for everything) is upgraded here.
 */
final class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String HBA = """
            # Written by Gatehouse: every connection authenticates with SCRAM-SHA-256, none without a password.
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;

    private EmbeddedDatabase() {}

    /** Starts the server on {@code pgData}, creating or upgrading it, with the roles of {@code passwords} in place. */
    static EmbeddedPostgres start(Path pgData, EmbeddedPasswords passwords, boolean fsync) throws IOException, SQLException {
        boolean fresh = !Files.exists(pgData.resolve("postgresql.conf"));
        OwnerOnly.directory(pgData);
        Path initialPassword = pgData.resolveSibling("postgres.initdb-password");
        Files.deleteIfExists(initialPassword);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                // Stopped by the context, after the tunnel listener and the recorder have drained into it; the
                // library's own JVM hook would stop it in parallel with the context's shutdown, under their feet.
                .setRegisterShutdownHook(false)
                // The library starts the server with -F (fsync off) and synchronous_commit off; these come after and win.
                .setServerConfig("fsync", fsync ? "on" : "off")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setConnectConfig("password", passwords.superuser());
        if (fresh) {
            // initdb's options come from the library's "locale" settings, after its own "-A trust": these win, so the
            // cluster is born with SCRAM everywhere and the superuser's password, never open for a moment.
            OwnerOnly.createFile(initialPassword, passwords.superuser() + "\n");
            builder.setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("pwfile", initialPassword.toString());
        }
        EmbeddedPostgres server;
        try {
            server = builder.start();
        } finally {
            Files.deleteIfExists(initialPassword);
        }
        try {
            // The library's lock file is made with the process's umask; nothing in the data directory is for others.
            Path lock = pgData.resolve("epg-lock");
            if (Files.exists(lock) && !OwnerOnly.isOwnerOnly(lock)) {
                Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-------"));
            }
            String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
            if (trusts(pgData)) {
                closeEarlierVersion(url, pgData, passwords);
            }
            try (Connection c = DriverManager.getConnection(url, EmbeddedPasswords.SUPERUSER, passwords.superuser());
                    Statement s = c.createStatement()) {
                ensureRoles(s, passwords);
                reassignToOwner(s);
            }
            return server;
        } catch (IOException | SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** True while pg_hba.conf still has a trust line: a data directory of an earlier version. */
    private static boolean trusts(Path pgData) throws IOException {
        return Files.readAllLines(pgData.resolve("pg_hba.conf"), StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(line -> !line.startsWith("#") && !line.isEmpty())
                .anyMatch(line -> line.matches(".*\\s(trust)(\\s.*)?"));
    }

    private static void closeEarlierVersion(String url, Path pgData, EmbeddedPasswords passwords)
            throws IOException, SQLException {
        log.warn("Database: upgrading a data directory of an earlier version (no passwords) in {}: setting passwords,"
                + " SCRAM authentication and an owner role", pgData);
        try (Connection c = DriverManager.getConnection(url, EmbeddedPasswords.SUPERUSER, passwords.superuser());
                Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + EmbeddedPasswords.SUPERUSER + " PASSWORD " + literal(passwords.superuser()));
            Path hba = pgData.resolve("pg_hba.conf");
            Path next = pgData.resolve("pg_hba.conf.new");
            Files.deleteIfExists(next);
            OwnerOnly.createFile(next, HBA);
            Files.move(next, hba, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            try (ResultSet reloaded = s.executeQuery("SELECT pg_reload_conf()")) {
                reloaded.next();
            }
        }
    }

    private static void ensureRoles(Statement s, EmbeddedPasswords passwords) throws SQLException {
        for (String role : List.of(EmbeddedPasswords.OWNER, EmbeddedPasswords.RUNTIME)) {
            try (ResultSet exists = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = " + literal(role))) {
                if (!exists.next()) {
                    s.execute("CREATE ROLE " + role);
                }
            }
        }
        String limits = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ";
        s.execute("ALTER ROLE " + EmbeddedPasswords.OWNER + limits + literal(passwords.owner()));
        s.execute("ALTER ROLE " + EmbeddedPasswords.RUNTIME + limits + literal(passwords.runtime()));
        s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + EmbeddedPasswords.OWNER);
        s.execute("GRANT USAGE ON SCHEMA public TO " + EmbeddedPasswords.RUNTIME);
    }

    /** Hands every table, sequence, view and function of the schema to the owner role (earlier versions: postgres). */
    private static void reassignToOwner(Statement s) throws SQLException {
        List<String> changes = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("""
                SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                       ELSE 'TABLE' END, quote_ident(c.relname)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND pg_get_userbyid(c.relowner) <> '%s'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                  AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
                UNION ALL
                SELECT 'FUNCTION', p.oid::regprocedure::text
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '%s'
                """.formatted(EmbeddedPasswords.OWNER, EmbeddedPasswords.OWNER))) {
            while (rs.next()) {
                changes.add("ALTER " + rs.getString(1) + " " + rs.getString(2) + " OWNER TO " + EmbeddedPasswords.OWNER);
            }
        }
        for (String change : changes) {
            s.execute(change);
        }
        if (!changes.isEmpty()) {
            log.info("Database: {} objects handed to the owner role {}", changes.size(), EmbeddedPasswords.OWNER);
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
