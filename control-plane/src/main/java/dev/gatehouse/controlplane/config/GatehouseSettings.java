package dev.gatehouse.controlplane.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the gatehouse distribution, bound once from {@code gatehouse.*} properties and environment variables
 * ({@code GATEHOUSE_DATA_DIR}, {@code GATEHOUSE_HTTP_PORT}, ...), validated at start-up, then immutable.
 */
@ConfigurationProperties("gatehouse")
@Validated
public record GatehouseSettings(
        @NotNull @DefaultValue("all-in-one") Role role,
        @NotNull @DefaultValue("./data") Path dataDir,
        @Valid @NotNull @DefaultValue Ssh ssh,
        @Valid @NotNull @DefaultValue Http http,
        @Valid @NotNull @DefaultValue Tunnel tunnel,
        String bootstrapToken,
        @Valid @NotNull @DefaultValue Database database,
        @Valid @NotNull @DefaultValue Secrets secrets,
        @Valid @NotNull @DefaultValue Oidc oidc,
        @Valid @NotNull @DefaultValue Recording recording,
        @Valid @NotNull @DefaultValue Api api) {

    /** What this process runs. */
    public enum Role {
        /** Control plane and bastion in one process (the default, on the embedded database). */
        ALL_IN_ONE,
        CONTROL_PLANE,
        BASTION,
        /** A command-line tool run through the launcher ({@code ./gatehouse audit verify}). */
        CLI
    }

    /**
     * The bastion's listener. {@code port} 0 picks a free port (tests). {@code hostNames} are the names clients use for
     * the gateway, the principals of its host certificate; empty means localhost, 127.0.0.1 and this machine's name.
     * {@code idleTimeout} closes a silent session; {@code maxSessionsPerUser} bounds one person's concurrent sessions.
     */
    public record Ssh(
            @Min(0) @Max(65535) @DefaultValue("2222") int port,
            @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
            @NotNull @DefaultValue List<@NotBlank String> hostNames,
            @NotNull @DefaultValue("30m") Duration idleTimeout,
            @Min(1) @Max(10000) @DefaultValue("20") int maxSessionsPerUser) {}

    public record Http(@Min(0) @Max(65535) @DefaultValue("8080") int port) {}

    /**
     * The tunnel listener agents dial. {@code port} 0 picks a free port (tests). {@code advertisedHost} is the name (or
     * {@code host:port}) agents use for this node; its server certificate names it, with localhost, 127.0.0.1 and this
     * machine's name. Empty means this machine's name.
     */
    public record Tunnel(
            @Min(0) @Max(65535) @DefaultValue("4443") int port,
            @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
            @Pattern(regexp = "|[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?", message = "must be a host name or address, optionally"
                    + " with :port") @DefaultValue("") String advertisedHost) {}

    /** An external PostgreSQL; without {@code url} the embedded one under the data directory is used. */
    public record Database(
            @Pattern(regexp = "jdbc:postgresql:.*", message = "must be a jdbc:postgresql://host:port/database URL") String url,
            String username,
            String password) {

        public boolean external() {
            return url != null && !url.isBlank();
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "***") + "]";
        }
    }

    /**
     * {@code masterKey}: base64 of 32 bytes; generated once into {@code <data-dir>/master.key} when absent. Checked
     * by {@link MasterKeyFile}, not by bean validation, whose failure report would print the value.
     */
    public record Secrets(String masterKey) {

        @Override
        public String toString() {
            return "Secrets[masterKey=" + (masterKey == null ? "none" : "***") + "]";
        }
    }

    /**
     * An OpenID Connect issuer whose JWTs the API accepts. {@code usernameClaim} names the person;
     * {@code rolesClaim} holds a list of the issuer's groups, which {@code scopeMapping} turns into an API scope.
     */
    public record Oidc(
            URI issuerUri,
            @NotBlank @DefaultValue("preferred_username") String usernameClaim,
            @NotBlank @DefaultValue("groups") String rolesClaim,
            @NotNull @DefaultValue Map<String, ApiScopeName> scopeMapping) {

        public boolean enabled() {
            return issuerUri != null;
        }
    }

    /** The scopes an OIDC group may map to. */
    public enum ApiScopeName { ADMIN, AUDITOR }

    /**
     * {@code failMode} {@code closed}: a session whose recording cannot be written is refused or ended; {@code open}:
     * it goes on. {@code output} false keeps terminal and exec output out of recordings (sessions, commands, file
     * transfers and flows are still recorded): for hosts whose output must not be stored, and the benchmark.
     * {@code maxBytesPerSession}: bytes of a session kept in its recording; past it each stream is only counted and
     * hashed into the session's sealed end.
     */
    public record Recording(@NotNull @DefaultValue("closed") FailMode failMode, @DefaultValue("true") boolean output,
            @NotNull @DefaultValue("1GB") DataSize maxBytesPerSession) {
        public enum FailMode { CLOSED, OPEN }

        public Recording {
            if (maxBytesPerSession != null && maxBytesPerSession.toBytes() <= 0) {
                throw new IllegalArgumentException("gatehouse.recording.max-bytes-per-session must be positive"
                        + " (e.g. 1GB, 512MB), was " + maxBytesPerSession);
            }
        }
    }

    public record Api(@Min(1024) @Max(16 * 1024 * 1024) @DefaultValue("1048576") int maxBodyBytes) {}

    @Override
    public String toString() {
        return "GatehouseSettings[role=" + role + ", dataDir=" + dataDir + ", ssh=" + ssh + ", http=" + http
                + ", tunnel=" + tunnel + ", bootstrapToken=" + (bootstrapToken == null ? "none" : "***")
                + ", database=" + database + ", secrets=" + secrets + ", oidc=" + oidc + ", recording=" + recording
                + ", api=" + api + "]";
    }
}
