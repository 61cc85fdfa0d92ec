package dev.gatehouse.controlplane.config;

import dev.gatehouse.sshproxy.server.BastionConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
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
        @NotNull @DefaultValue("24h") Duration bootstrapTokenTtl,
        @Valid @NotNull @DefaultValue Database database,
        @Valid @NotNull @DefaultValue Secrets secrets,
        @Valid @NotNull @DefaultValue Oidc oidc,
        @Valid @NotNull @DefaultValue Recording recording,
        @Valid @NotNull @DefaultValue Api api,
        Path masterKeyFile,
        @Valid @NotNull @DefaultValue Console console,
        @Valid @NotNull @DefaultValue Targets targets,
        @Valid @NotNull @DefaultValue Recordings recordings,
        @Valid @NotNull @DefaultValue Siem siem,
        @Valid @NotNull @DefaultValue Nodes nodes,
        @Valid @NotNull @DefaultValue Node node,
        @Valid @NotNull @DefaultValue ControlPlane controlPlane) {

    public GatehouseSettings {
        if (console != null && !console.passwordSignIn() && (oidc == null || !oidc.signInEnabled())) {
            throw new InvalidSettingException("gatehouse.console.password-sign-in", "true, or false with the console's"
                    + " single sign-on configured (gatehouse.oidc.issuer-uri and gatehouse.oidc.redirect-base)",
                    "false while single sign-on is not configured: nobody could sign in to the console");
        }
    }

    /**
     * Where people reach the console, without a trailing slash, for links the gateway hands out: {@code
     * gatehouse.console.public-url}, else this machine's listener (https when the console serves TLS).
     */
    public String consoleUrl() {
        String url = console.publicUrl();
        if (url.isEmpty()) {
            return (http.tls().enabled() ? "https" : "http") + "://localhost:" + http.port();
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

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
     * {@code proxyProtocol}: connections from {@code proxyProtocolFrom} (address ranges; the balancer) start with a
     * PROXY v1/v2 header naming the client, within {@code proxyProtocolTimeout}; other peers are direct clients.
     */
    public record Ssh(
            @Min(0) @Max(65535) @DefaultValue("2222") int port,
            @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
            @NotNull @DefaultValue List<@NotBlank String> hostNames,
            @NotNull @DefaultValue("30m") Duration idleTimeout,
            @NotNull @DefaultValue("4s") Duration connectTimeout,
            @Min(1) @Max(10000) @DefaultValue("20") int maxSessionsPerUser,
            @Valid @NotNull @DefaultValue SshAuth auth,
            @DefaultValue("false") boolean proxyProtocol,
            @NotNull @DefaultValue({"127.0.0.0/8", "::1/128"}) List<String> proxyProtocolFrom,
            @NotNull @DefaultValue("10s") Duration proxyProtocolTimeout) {

        public Ssh {
            proxyProtocolSettings(proxyProtocol, proxyProtocolFrom, proxyProtocolTimeout);
        }

        /** The bastion's view; a malformed range or a non-positive timeout stops start-up naming the setting. */
        public dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolSettings proxyProtocolSettings() {
            return proxyProtocolSettings(proxyProtocol, proxyProtocolFrom, proxyProtocolTimeout);
        }

        private static dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolSettings proxyProtocolSettings(boolean on,
                List<String> from, Duration timeout) {
            if (from == null || timeout == null) {
                return dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolSettings.disabled();
            }
            var settings = dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolSettings.from(from, timeout);
            return on ? settings : dev.gatehouse.sshproxy.proxyprotocol.ProxyProtocolSettings.disabled();
        }
    }

    /**
     * {@code gatehouse.ssh.auth.*}: failed authentications are limited per source address and per (address, user)
     * within {@code failureWindow}, at most {@code trackedKeys} counters kept; connections not yet authenticated are
     * capped per address and in total; repeated refusals from one address become one audit event per
     * {@code refusalInterval}. A login approved in the browser waits at most {@code approvalTtl}; at most
     * {@code approvalsPerAddress} of them wait per source address, {@code approvalsPerPerson} per person they are for
     * (so that many addresses together cannot fill the gateway's slots with one person's name) and
     * {@code approvalsTotal} in all.
     */
    public record SshAuth(
            @Min(1) @DefaultValue("50") int failuresPerAddress,
            @Min(1) @DefaultValue("10") int failuresPerAddressAndUser,
            @NotNull @DefaultValue("5m") Duration failureWindow,
            @Min(1) @Max(10_000_000) @DefaultValue("10000") int trackedKeys,
            @Min(1) @DefaultValue("20") int unauthenticatedPerAddress,
            @Min(1) @DefaultValue("200") int unauthenticatedTotal,
            @NotNull @DefaultValue("1m") Duration refusalInterval,
            @NotNull @DurationMin(seconds = 5) @DurationMax(minutes = 10) @DefaultValue("2m") Duration approvalTtl,
            @Min(1) @Max(1000) @DefaultValue("3") int approvalsPerAddress,
            @Min(1) @Max(100_000) @DefaultValue("200") int approvalsTotal,
            @Min(1) @Max(1000) @DefaultValue("3") int approvalsPerPerson) {

        public dev.gatehouse.sshproxy.server.BastionConfig.AuthLimits limits() {
            return new dev.gatehouse.sshproxy.server.BastionConfig.AuthLimits(failuresPerAddress,
                    failuresPerAddressAndUser, failureWindow, trackedKeys, unauthenticatedPerAddress,
                    unauthenticatedTotal, refusalInterval);
        }
    }

    /**
     * The API and console listener. {@code bindAddress} empty means 127.0.0.1 for plain HTTP and every address with
     * TLS; plain HTTP on any other address needs {@code plaintextOnNetwork}. {@code tls} turns HTTPS on.
     */
    public record Http(@Min(0) @Max(65535) @DefaultValue("8080") int port,
            @DefaultValue("") String bindAddress,
            @DefaultValue("false") boolean plaintextOnNetwork,
            @Valid @NotNull @DefaultValue HttpTls tls) {}

    /**
     * {@code gatehouse.http.tls.*}: {@code certificate} is a PEM file (the chain, server first) with {@code privateKey}
     * its PEM key, or {@code auto} for a certificate from the gateway's X.509 CA naming {@code names} (empty: localhost,
     * 127.0.0.1 and this machine's names). Empty: no TLS.
     */
    public record HttpTls(@DefaultValue("") String certificate, @DefaultValue("") String privateKey,
            @NotNull @DefaultValue List<@NotBlank String> names) {

        public boolean enabled() {
            return !certificate.isBlank();
        }

        public boolean auto() {
            return "auto".equalsIgnoreCase(certificate.strip());
        }
    }

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

    /**
     * An external PostgreSQL; without {@code url} the embedded one under the data directory is used. {@code username}
     * is the application's runtime role; {@code ownerUsername} the role that owns the tables and runs the migrations
     * (without it both are one role, which can rewrite evidence). {@code fsync} false is for tests only: the embedded
     * PostgreSQL then loses committed evidence on a power cut.
     */
    public record Database(
            @Pattern(regexp = "jdbc:postgresql:.*", message = "must be a jdbc:postgresql://host:port/database URL") String url,
            String username,
            String password,
            String ownerUsername,
            String ownerPassword,
            @DefaultValue("true") boolean fsync) {

        public boolean external() {
            return url != null && !url.isBlank();
        }

        /** True when migrations run as a separate owner role (always for the embedded database). */
        public boolean ownerSplit() {
            return !external() || (ownerUsername != null && !ownerUsername.isBlank());
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                    + ", ownerUsername=" + ownerUsername + ", ownerPassword=" + (ownerPassword == null ? "none" : "***")
                    + ", fsync=" + fsync + "]";
        }
    }

    /**
     * {@code masterKey}: base64 of 32 bytes; else read from {@code gatehouse.master-key-file}, or generated once into
     * {@code <data-dir>/master.key} when absent. Checked
     * by {@link MasterKeyFile}, not by bean validation, whose failure report would print the value.
     */
    public record Secrets(String masterKey) {

        @Override
        public String toString() {
            return "Secrets[masterKey=" + (masterKey == null ? "none" : "***") + "]";
        }
    }

    /**
     * An OpenID Connect issuer whose JWTs the API accepts. {@code audience} is required with it: a JWT not minted for
     * it is refused. The issuer must be https unless {@code allowHttpIssuer} (tests). {@code usernameClaim} names the
     * person, who is {@code oidc:<value>}, a namespace of its own that never meets a local user's name;
     * {@code rolesClaim} holds a list of the issuer's groups, which {@code scopeMapping} turns into an API scope.
     * With {@code redirectBase} (the console's address as browsers see it) the console also signs people in with the
     * issuer (authorization code with PKCE) as client {@code clientId} (default: {@code audience}), authenticating
     * with {@code clientSecret} when set (else as a public client), showing "Sign in with {@code displayName}".
     */
    public record Oidc(
            URI issuerUri,
            String audience,
            @DefaultValue("false") boolean allowHttpIssuer,
            @NotBlank @DefaultValue("sub") String usernameClaim,
            @NotBlank @DefaultValue("groups") String rolesClaim,
            @NotNull @DefaultValue Map<String, ApiScopeName> scopeMapping,
            URI redirectBase,
            String clientId,
            String clientSecret,
            @NotBlank @Size(max = 60) @DefaultValue("single sign-on") String displayName,
            @NotNull @DefaultValue({"openid", "profile", "email"}) List<@Pattern(regexp = "[!#-\\[\\]-~]{1,100}",
                    message = "must be an OAuth scope token") String> scopes) {

        public Oidc {
            OidcSignIn.check(issuerUri, redirectBase, scopes);
            if (issuerUri != null) {
                if (audience == null || audience.isBlank()) {
                    throw new InvalidSettingException("gatehouse.oidc.audience",
                            "the audience (client id) the issuer puts in tokens meant for this gateway",
                            "missing while gatehouse.oidc.issuer-uri is set; without it a token minted for any client"
                                    + " of the issuer would be accepted");
                }
                if (!"https".equalsIgnoreCase(issuerUri.getScheme())
                        && !("http".equalsIgnoreCase(issuerUri.getScheme()) && allowHttpIssuer)) {
                    throw new InvalidSettingException("gatehouse.oidc.issuer-uri", "an https:// URL (http:// only with"
                            + " gatehouse.oidc.allow-http-issuer=true, for tests)", "not https: " + issuerUri);
                }
            }
        }

        public boolean enabled() {
            return issuerUri != null;
        }

        /** True when the console offers "Sign in with {@code displayName}". */
        public boolean signInEnabled() {
            return issuerUri != null && redirectBase != null;
        }

        /** The OAuth client id of the console's sign-in. */
        public String signInClientId() {
            return clientId == null || clientId.isBlank() ? audience : clientId;
        }

        @Override
        public String toString() {
            return "Oidc[issuerUri=" + issuerUri + ", audience=" + audience + ", allowHttpIssuer=" + allowHttpIssuer
                    + ", usernameClaim=" + usernameClaim + ", rolesClaim=" + rolesClaim + ", scopeMapping="
                    + scopeMapping + ", redirectBase=" + redirectBase + ", clientId=" + clientId + ", clientSecret="
                    + (clientSecret == null ? "none" : "***") + ", displayName=" + displayName + ", scopes=" + scopes
                    + "]";
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
    public record Recording(@NotNull @DefaultValue("closed") BastionConfig.FailMode failMode,
            @DefaultValue("true") boolean output, @NotNull @DefaultValue("1GB") DataSize maxBytesPerSession) {

        public Recording {
            if (maxBytesPerSession != null && maxBytesPerSession.toBytes() <= 0) {
                throw new IllegalArgumentException("gatehouse.recording.max-bytes-per-session must be positive"
                        + " (e.g. 1GB, 512MB), was " + maxBytesPerSession);
            }
        }
    }

    /**
     * {@code maxBodyBytes} bounds a request body. Anonymous or invalid-credential refusals from one address are audited
     * in full once per {@code refusalInterval}, the rest counted into one {@code api.refused.repeated} event.
     */
    public record Api(@Min(1024) @Max(16 * 1024 * 1024) @DefaultValue("1048576") int maxBodyBytes,
            @NotNull @DefaultValue("1m") Duration refusalInterval) {}

    /**
     * {@code sessionLifetime}: a console sign-in ends this long after it began, however active (at least 1 min).
     * {@code passwordSignIn} false refuses the console's password sign-in (single sign-on only).
     * {@code publicUrl}: where people reach the console ({@code https://gw.example.com}), for the links the bastion
     * shows; empty means {@code http://localhost:<http port>}.
     */
    public record Console(@NotNull @DurationMin(minutes = 1) @DefaultValue("12h") Duration sessionLifetime,
            @DefaultValue("true") boolean passwordSignIn,
            @NotNull @DefaultValue("") @Pattern(regexp = "|https?://[^\\s/?#]+(/[^\\s?#]*)?",
                    message = "must be empty or an http(s) URL without query") String publicUrl) {}

    /**
     * How the bastion trusts targets' host keys besides pinning. {@code hostCa}: CA public keys, one per line, each
     * {@code type base64} or a known_hosts {@code @cert-authority pattern type base64} line; a target presenting a host
     * certificate signed by one of them, valid now and naming its inventory name, is trusted. Empty: pinning only.
     */
    public record Targets(@DefaultValue("") String hostCa) {

        public Targets {
            hostCertificateAuthorities(hostCa);
        }

        /** The parsed CA keys; a malformed line stops start-up naming the setting. */
        public List<java.security.PublicKey> hostCertificateAuthorities() {
            return hostCertificateAuthorities(hostCa);
        }

        private static List<java.security.PublicKey> hostCertificateAuthorities(String text) {
            List<java.security.PublicKey> keys = new java.util.ArrayList<>();
            for (String line : (text == null ? "" : text).split("\\R", -1)) {
                String key = line.strip();
                if (key.isEmpty() || key.startsWith("#")) {
                    continue;
                }
                if (key.startsWith("@cert-authority")) {
                    String[] fields = key.split("[ \t]+", 3);
                    key = fields.length == 3 ? fields[2] : "";
                }
                try {
                    keys.add(dev.gatehouse.pki.ssh.SshPublicKey.parse(key).key());
                } catch (RuntimeException e) {
                    // No cause: start-up failure reports show the innermost message, which would not name the setting.
                    throw new IllegalArgumentException("gatehouse.targets.host-ca: '" + line.strip() + "' is not a CA "
                            + "public key or an @cert-authority line: " + e.getMessage());
                }
            }
            return List.copyOf(keys);
        }
    }

    /**
     * The control plane's node port ({@code gatehouse.nodes.*}): bastion nodes enrol there with a node token and from
     * then on call it over mutual TLS only (client certificates from the X.509 CA). Served by the control-plane role.
     * {@code advertisedUrl}: this control plane's own node port as nodes reach it, where a node relays a live view a
     * watcher here asked for; empty: to the URL the node was given (fine with one control plane).
     */
    public record Nodes(
            @Min(0) @Max(65535) @DefaultValue("4446") int port,
            @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
            @Pattern(regexp = "|https://[^/?#]+/?", message = "must be https://host:port (this control plane's own node"
                    + " port, as bastion nodes reach it)") @DefaultValue("") String advertisedUrl) {}

    /**
     * A bastion node's own settings ({@code gatehouse.node.*}): the one-time {@code token} (or a file holding it) it
     * enrols with on its first start, how long it keeps an access decision ({@code decisionCache}), and how long a
     * SIGTERM waits for live sessions ({@code drainTimeout}).
     */
    public record Node(
            String token,
            Path tokenFile,
            @NotNull @DefaultValue("5s") Duration decisionCache,
            @NotNull @DefaultValue("5m") Duration drainTimeout,
            @Valid @NotNull @DefaultValue Metrics metrics) {

        @Override
        public String toString() {
            return "Node[token=" + (token == null ? "none" : "***") + ", tokenFile=" + tokenFile + ", decisionCache="
                    + decisionCache + ", drainTimeout=" + drainTimeout + ", metrics=" + metrics + "]";
        }

        /**
         * A bastion node's Prometheus endpoint ({@code GET /metrics}; a node serves no other HTTP): off unless
         * {@code port} is set; on loopback unless {@code bindAddress} says otherwise, and then only with a bearer
         * {@code token} (or a file holding it) that every scrape presents.
         */
        public record Metrics(
                @Min(value = 0, message = "must be 0 (off) to 65535") @Max(value = 65535, message = "must be 0 (off) to 65535")
                @DefaultValue("0") int port,
                @NotBlank @DefaultValue("127.0.0.1") String bindAddress,
                String token,
                Path tokenFile) {

            @Override
            public String toString() {
                return "Metrics[port=" + port + ", bindAddress=" + bindAddress + ", token="
                        + (token == null ? "none" : "***") + ", tokenFile=" + tokenFile + "]";
            }
        }
    }

    /** Where a bastion node finds the control plane's node port: {@code https://host:4446}. */
    public record ControlPlane(
            @Pattern(regexp = "|https://[^/?#]+/?", message = "must be https://host:port (the control plane's node port,"
                    + " gatehouse.nodes.port)") @DefaultValue("") String url) {}

    @Override
    public String toString() {
        return "GatehouseSettings[role=" + role + ", dataDir=" + dataDir + ", ssh=" + ssh + ", http=" + http
                + ", tunnel=" + tunnel + ", bootstrapToken=" + (bootstrapToken == null ? "none" : "***")
                + ", bootstrapTokenTtl=" + bootstrapTokenTtl
                + ", database=" + database + ", secrets=" + secrets + ", oidc=" + oidc + ", recording=" + recording
                + ", api=" + api + ", masterKeyFile=" + masterKeyFile + ", console=" + console + ", targets=" + targets
                + ", recordings=" + recordings + ", siem=" + siem
                + ", nodes=" + nodes + ", node=" + node + ", controlPlane=" + controlPlane + "]";
    }
}
