package dev.gatehouse.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The all-in-one on its embedded PostgreSQL (for real: no database URL given): the first start prints a generated
 * admin token once; after a stop and a start on the same data directory, everything made is still there, the token
 * still works, the CAs are the same, and no new token is printed.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartIT {

    // Standard output is not a terminal here, so the generated token goes to an owner-only file the report names.
    private static final Pattern PRINTED_TOKEN = Pattern.compile("Admin API token: written to (\\S+)");

    @Test
    void restartOnTheSameDataDirectoryKeepsEverything(@TempDir Path dataDir, CapturedOutput output) throws Exception {
        String token;
        String userCa;
        String role;
        String person;
        String host;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            Matcher printed = PRINTED_TOKEN.matcher(output.getOut());
            assertThat(printed.find()).as("the first start hands out the admin token").isTrue();
            token = Files.readString(Path.of(printed.group(1))).strip();
            assertThat(output.getOut()).doesNotContain(token);
            ApiClient api = new ApiClient(port(first));
            AccessFixture access = new AccessFixture(api, token);
            role = access.role("ops").logins("root").hostLabel("*", "*").create();
            person = access.person("alice").roles(role).create();
            host = access.host("web").address("10.0.0.5:22").create();
            userCa = api.get("/api/v1/ca/ssh-user", token).body();
        }
        assertThat(Files.exists(dataDir.resolve("postgres"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("master.key"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dataDir.resolve("logs/gatehouse.log"))).doesNotContain(token)
                .contains("\"message\":\"Certificate authority 'ssh-user': created\"");
        int printedBefore = countTokensPrinted(output.getOut());

        try (ConfigurableApplicationContext second = start(dataDir)) {
            ApiClient api = new ApiClient(port(second));
            assertThat(api.get("/api/v1/users/" + person, token).body()).contains("\"roles\":[\"" + role + "\"]");
            assertThat(api.get("/api/v1/hosts/" + host, token).body()).contains("10.0.0.5:22");
            assertThat(api.get("/api/v1/roles/" + role, token).status()).isEqualTo(200);
            assertThat(api.get("/api/v1/ca/ssh-user", token).body()).isEqualTo(userCa);
            assertThat(api.get("/api/v1/audit/events?type=user.created", token).body()).contains("user:" + person);
        }
        assertThat(countTokensPrinted(output.getOut())).as("no second token printed").isEqualTo(printedBefore);
    }

    private static int countTokensPrinted(String out) {
        return (int) PRINTED_TOKEN.matcher(out).results().count();
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(GatehouseApplication.class)
                .run("--gatehouse.data-dir=" + dataDir, "--server.port=0", "--gatehouse.tunnel.port=0");
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
