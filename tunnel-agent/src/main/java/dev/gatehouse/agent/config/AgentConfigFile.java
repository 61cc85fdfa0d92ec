package dev.gatehouse.agent.config;

import dev.gatehouse.agent.tunnel.AgentSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's own configuration file ({@code /etc/gatehouse-agent/agent.conf}), Java properties syntax:
 * <pre>
 * state-dir = /var/lib/gatehouse-agent
 * allow = 10.0.0.0/8:22, db.internal:5432
 * allow.licence = licence.internal:27000-27010
 * </pre>
 * Every key starting with {@code allow} adds comma-separated entries. Unknown keys stop start-up: a typo must not
 * silently widen or narrow what the agent reaches.
 */
public record AgentConfigFile(Path stateDir, AgentSettings settings) {

    private static final Set<String> KNOWN = Set.of("state-dir", "ping-interval", "link-timeout", "resume-grace");

    public static AgentConfigFile load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return parse(properties, file.toString());
    }

    static AgentConfigFile parse(Properties properties, String source) {
        List<String> entries = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.equals("allow") || key.startsWith("allow.")) {
                for (String entry : properties.getProperty(key).split(",", -1)) {
                    if (!entry.isBlank()) {
                        entries.add(entry.trim());
                    }
                }
            } else if (!KNOWN.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown setting(s) " + unknown
                    + "; known: allow, allow.<name>, " + new TreeSet<>(KNOWN));
        }
        AllowList allowList;
        try {
            allowList = AllowList.parse(entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        AgentSettings defaults = AgentSettings.defaults(allowList);
        Duration ping = duration(properties, "ping-interval", defaults.pingInterval(), source);
        Duration timeout = duration(properties, "link-timeout", defaults.linkTimeout(), source);
        Duration grace = duration(properties, "resume-grace", defaults.resumeGrace(), source);
        AgentSettings settings;
        try {
            settings = new AgentSettings(allowList, ping, timeout, grace, defaults.maxUnacknowledged(),
                    defaults.connectTimeout(), defaults.initialBackoff(), defaults.maxBackoff());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        String stateDir = properties.getProperty("state-dir", "/var/lib/gatehouse-agent").trim();
        return new AgentConfigFile(Path.of(stateDir), settings);
    }

    private static Duration duration(Properties properties, String key, Duration fallback, String source) {
        String value = properties.getProperty(key);
        if (value == null) {
            return fallback;
        }
        String text = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (text.matches("[0-9]+s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            if (text.matches("[0-9]+ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            return Duration.parse(value.trim());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": " + key + " = '" + value
                    + "' is not a duration (examples: 10s, 500ms, PT1M)");
        }
    }
}
