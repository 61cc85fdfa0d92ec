package dev.gatehouse.controlplane.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code gatehouse.siem.sink=file}: an admin change made through the API reaches the JSON lines file, and so do the
 * signed checkpoints of the chain (the checkpointer's SIEM anchor; with no anchor given to it the checkpoint line never
 * comes and the test fails).
 */
class SiemFileIT extends GatehouseTestApplication {

    @Autowired
    ChainCheckpointer checkpointer;

    private static final Path FILE = temporary().resolve("siem/audit.jsonl");

    @DynamicPropertySource
    static void siem(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.siem.sink", () -> "file");
        registry.add("gatehouse.siem.file", FILE::toString);
    }

    @Test
    void eventsAndSignedCheckpointsAreStreamedToTheFile() throws Exception {
        AccessFixture access = new AccessFixture(api, ADMIN);
        String name = access.person("siem-user").create();
        // The sink starts from the first event: in a suite sharing one database it first sends every earlier test's.
        assertThat(eventually(Duration.ofMinutes(3), () -> lines().stream()
                .anyMatch(l -> l.contains("user.created") && l.contains(name)) ? true : null)).isTrue();
        // The checkpointer's timer runs in one of the cached test contexts on the shared database (the one elected), and
        // it may not be this one: this context signs (and so streams) a checkpoint when asked right after a change.
        String checkpoint = eventually(Duration.ofMinutes(3), () -> {
            access.person("siem-tick").create();
            checkpointer.checkpoint();
            return lines().stream().filter(l -> l.startsWith("{") && l.contains("\"type\":\"audit.checkpoint\""))
                    .findFirst().orElse(null);
        });
        assertThat(checkpoint).contains("\"signature\"").contains("\"seq\"");
    }

    private static List<String> lines() {
        try {
            return Files.exists(FILE) ? Files.readAllLines(FILE) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temporary() {
        try {
            return Files.createTempDirectory("gatehouse-siem-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
