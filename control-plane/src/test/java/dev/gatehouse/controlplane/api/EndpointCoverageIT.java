package dev.gatehouse.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.GatehouseTestApplication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.PathContainer;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Keeps {@link ApiAuthorizationIT} honest: every {@code /api/v1} handler the application serves must appear in its
 * table, so a new endpoint cannot ship without its anonymous / auditor / admin checks.
 */
class EndpointCoverageIT extends GatehouseTestApplication {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiEndpointIsInTheAuthorizationTable() {
        List<String> missing = new ArrayList<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            if (info.getPathPatternsCondition() == null) {
                continue;
            }
            for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
                String text = pattern.getPatternString();
                // The console's sign-in endpoints are public by design and have tests of their own (ConsoleLoginIT,
                // ConsoleSsoIT).
                if (!text.startsWith("/api/v1/") || text.startsWith("/api/v1/openapi.json")
                        || text.equals("/api/v1/session") || text.equals("/api/v1/session/options")) {
                    continue;
                }
                for (var method : info.getMethodsCondition().getMethods()) {
                    boolean covered = ApiAuthorizationIT.ENDPOINTS.stream().anyMatch(e -> e.method().equals(method.name())
                            && pattern.matches(PathContainer.parsePath(e.path().replaceAll("\\{([a-zA-Z]+)}", "$1")
                                    .replaceFirst("\\?.*", ""))));
                    if (!covered) {
                        missing.add(method + " " + text);
                    }
                }
            }
        }
        assertThat(missing).as("endpoints without authorisation checks in ApiAuthorizationIT").isEmpty();
    }
}
