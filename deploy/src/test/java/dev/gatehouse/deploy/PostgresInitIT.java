package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose file's PostgreSQL init script run against a real, throw-away PostgreSQL (Debian's server binaries, on a
 * Unix socket in a temporary directory, no TCP): it makes the owner and runtime roles of the root README's
 * "Production" section, with passwords that need quoting.
 */
class PostgresInitIT {

    private static final String POSTGRES = "Debian package postgresql";

    @TempDir
    Path dir;

    private Path bin;
    private Path data;

    /** initdb refuses root: as root, the server runs as nobody. */
    private List<String> asServerUser(Path program, String... arguments) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of(Tool.installed("runuser", "util-linux").toString(), "-u", "nobody", "--"));
        }
        command.add(program.toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private static Path serverBinaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow(() -> new AssertionError("no PostgreSQL server binaries (" + POSTGRES + ")"));
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        assertThat(Path.of("/usr/lib/postgresql")).as(POSTGRES).isDirectory();
        bin = serverBinaries();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        data = dir.resolve("data");
        Tool init = Tool.run(POSTGRES, asServerUser(bin.resolve("initdb"), "-D", data.toString(), "-U", "postgres",
                "-A", "trust").toArray(String[]::new));
        assertThat(init.exitCode()).as(init.describe()).isZero();
        Tool start = Tool.run(POSTGRES, asServerUser(bin.resolve("pg_ctl"), "-D", data.toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-o", "-k " + dir + " -c listen_addresses=''", "start")
                .toArray(String[]::new));
        assertThat(start.exitCode()).as(start.describe()).isZero();
    }

    @AfterEach
    void stopServer() {
        Tool.run(POSTGRES, asServerUser(bin.resolve("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop")
                .toArray(String[]::new));
    }

    private String sql(String query) {
        Tool psql = Tool.run(POSTGRES, "psql", "-h", dir.toString(), "-U", "postgres", "-d", "gatehouse", "-Atc", query);
        assertThat(psql.exitCode()).as(psql.describe()).isZero();
        return psql.output().strip();
    }

    @Test
    void initScriptWhenRunOnAnEmptyServerThenOwnerAndRuntimeRolesAsTheReadmeSays() {
        Path script = DeployTree.deploy().resolve("compose/postgres-init.sh");
        Tool run = Tool.runWith(Map.of("PGHOST", dir.toString(), "GATEHOUSE_DATABASE_OWNER_PASSWORD", "owner's pw",
                "GATEHOUSE_DATABASE_PASSWORD", "run time"), POSTGRES, "sh", script.toString());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(sql("select rolname || ' super=' || rolsuper || ' login=' || rolcanlogin from pg_roles"
                + " where rolname like 'gatehouse%' order by 1")).isEqualTo("gatehouse super=false login=true\n"
                + "gatehouse_owner super=false login=true");
        assertThat(sql("select datdba::regrole from pg_database where datname = 'gatehouse'")).isEqualTo("gatehouse_owner");
        assertThat(sql("select nspowner::regrole from pg_namespace where nspname = 'public'")).isEqualTo("gatehouse_owner");
        assertThat(sql("select has_schema_privilege('gatehouse', 'public', 'CREATE') || ' '"
                + " || has_schema_privilege('gatehouse', 'public', 'USAGE')")).as("the runtime role creates nothing")
                .isEqualTo("false true");
        assertThat(sql("select count(*) from pg_authid where rolname like 'gatehouse%' and rolpassword like 'SCRAM-SHA-256$%'"))
                .as("both passwords set, quotes and all").isEqualTo("2");
    }
}
