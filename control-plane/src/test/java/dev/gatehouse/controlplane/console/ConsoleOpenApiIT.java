package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.ApiClient;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The console's TypeScript types are generated (openapi-typescript, in the web-console build) from
 * {@code web-console/src/main/frontend/openapi.json}, a copy of the document this gateway serves. The console is
 * built before the control plane, so it cannot ask a running one; this test keeps the copy true: it fails when the
 * served document differs, and {@code -Dgatehouse.updateOpenApi=true} rewrites the copy instead.
 */
class ConsoleOpenApiIT extends GatehouseTestApplication {

    static final Path COPY = Path.of("..", "web-console", "src", "main", "frontend", "openapi.json").toAbsolutePath()
            .normalize();
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    @Test
    void consoleCopyOfTheOpenApiDocumentIsTheOneServed() throws Exception {
        ApiClient.Reply reply = api.get("/api/v1/openapi.json", null);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode served = reply.json();
        // The server entry names this test's random port; the console calls its own origin.
        ((ObjectNode) served).remove("servers");

        if (Boolean.getBoolean("gatehouse.updateOpenApi")) {
            Files.writeString(COPY, JSON.writeValueAsString(served) + "\n");
        }
        JsonNode copy = JSON.readTree(Files.readString(COPY));
        assertThat(copy).as("%s is the document the gateway serves; rebuild it with -Dgatehouse.updateOpenApi=true", COPY)
                .isEqualTo(served);
    }
}
