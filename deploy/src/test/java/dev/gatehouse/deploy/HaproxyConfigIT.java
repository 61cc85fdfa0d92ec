package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compose file's HAProxy configuration, checked by HAProxy itself and read for what the nodes rely on. */
class HaproxyConfigIT {

    private static final Path CONFIG = DeployTree.deploy().resolve("compose/haproxy.cfg");

    @Test
    void configWhenCheckedByHaproxyThenValid() {
        Tool check = Tool.run("Debian package haproxy", "haproxy", "-c", "-f", CONFIG.toString());

        assertThat(check.exitCode()).as(check.describe()).isZero();
        // The servers' names resolve only inside the compose network; any other warning is a mistake.
        assertThat(check.output().lines().filter(l -> l.contains("[WARNING]") || l.contains("[ALERT]"))
                .filter(l -> !l.contains("could not resolve address"))).as(check.describe()).isEmpty();
    }

    @Test
    void sshBackendWhenReadThenEveryBastionGetsProxyProtocolV2() {
        List<String> servers = backends().get("bastion-ssh");

        assertThat(servers).as("bastion-ssh servers").hasSize(2)
                .allSatisfy(server -> assertThat(server).contains(" send-proxy-v2").contains(":2222 "));
    }

    @Test
    void otherBackendsWhenReadThenNoProxyHeader() {
        // The tunnel port, the control plane's HTTPS and its node port speak TLS from the first byte: a PROXY header
        // would break them.
        Map<String, List<String>> backends = backends();

        assertThat(backends.get("bastion-tunnel")).hasSize(2).noneMatch(s -> s.contains("send-proxy"));
        assertThat(backends.get("control-plane")).hasSize(2).noneMatch(s -> s.contains("send-proxy"));
        assertThat(backends.get("control-plane-nodes")).hasSize(2).noneMatch(s -> s.contains("send-proxy"));
    }

    /** Each backend's {@code server} lines, by backend name. */
    private static Map<String, List<String>> backends() {
        Map<String, List<String>> backends = new LinkedHashMap<>();
        String current = null;
        for (String raw : DeployTree.read(CONFIG).lines().toList()) {
            String line = raw.strip();
            if (!raw.startsWith(" ") && !line.isEmpty() && !line.startsWith("#")) {
                current = line.startsWith("backend ") ? line.substring("backend ".length()).strip() : null;
                if (current != null) {
                    backends.put(current, new java.util.ArrayList<>());
                }
            } else if (current != null && line.startsWith("server ")) {
                backends.get(current).add(line + " ");
            }
        }
        return backends;
    }
}
