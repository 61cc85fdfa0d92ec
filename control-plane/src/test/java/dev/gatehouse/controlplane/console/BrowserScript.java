package dev.gatehouse.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.testkit.SshKeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of web-console's browser walk-throughs ({@code e2e/*.e2e.mjs}, playwright-core in Debian's headless
 * Chromium) and fails with its output when a step fails. Skipped, saying why, without Chromium or node_modules.
 */
final class BrowserScript {

    static final Path FRONTEND = Path.of("..", "web-console", "src", "main", "frontend").toAbsolutePath().normalize();
    static final Path CHROMIUM = Path.of(System.getProperty("gatehouse.chromium", "/usr/bin/chromium"));

    private BrowserScript() {}

    static void assumeBrowser(String test) {
        assumeTrue(Files.isExecutable(CHROMIUM), test + " skipped: no Chromium at " + CHROMIUM
                + " (Debian: apt-get install chromium; ./gatehouse test installs it)");
        assumeTrue(Files.isDirectory(FRONTEND.resolve("node_modules/playwright-core")),
                test + " skipped: " + FRONTEND + "/node_modules is missing (the web-console build runs npm ci)");
    }

    /** Where screenshots go: the README's on request ({@code -Dgatehouse.updateScreenshots=true}), else target. */
    static String screenshots() {
        return Boolean.getBoolean("gatehouse.updateScreenshots")
                ? FRONTEND.resolve("../../../../docs/screenshots").normalize().toString()
                : Path.of("target", "screenshots").toAbsolutePath().toString();
    }

    /** An ssh_config for the person's key that trusts only the gateway's host CA ({@code knownHostsLine}). */
    static Path sshConfig(Path work, SshKeyFiles key, String knownHostsLine) throws java.io.IOException {
        Path knownHosts = work.resolve("known_hosts");
        Files.writeString(knownHosts, knownHostsLine.strip() + "\n");
        Path config = work.resolve("ssh_config");
        Files.writeString(config, String.join("\n", "Host *", "  IdentityFile " + key.privateKey(),
                "  IdentitiesOnly yes", "  IdentityAgent none", "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile /dev/null", "  StrictHostKeyChecking yes", "  BatchMode yes",
                "  ConnectTimeout 15", "  LogLevel ERROR", ""));
        return config;
    }

    /** Runs {@code e2e/<script>} with {@code env}; returns its output after asserting it passed. */
    static String run(String script, Map<String, String> env, Path work) throws Exception {
        Path log = work.resolve(script + ".log");
        ProcessBuilder node = new ProcessBuilder("node", "e2e/" + script).directory(FRONTEND.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(env);
        node.environment().put("E2E_CHROMIUM", CHROMIUM.toString());
        node.environment().put("E2E_SCREENSHOTS", screenshots());
        Process process = node.start();
        boolean finished = process.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertThat(finished).as("the browser run finished within 4 minutes:\n" + output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("[e2e] PASS");
        return output;
    }
}
