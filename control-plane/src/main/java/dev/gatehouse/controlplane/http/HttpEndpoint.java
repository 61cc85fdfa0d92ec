package dev.gatehouse.controlplane.http;

import dev.gatehouse.controlplane.ca.CertificateAuthorities;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import dev.gatehouse.controlplane.tunnels.TunnelConfiguration;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.pki.x509.Usage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.stereotype.Component;

/**
 * Where the API and console listen, and whether over TLS ({@code gatehouse.http.*}): plain HTTP stays on loopback unless
 * told otherwise; with {@code gatehouse.http.tls.certificate} a PEM certificate and key, or {@code auto}, a certificate
 * the gateway's X.509 CA issues at each start for the advertised names.
 */
@Component
public final class HttpEndpoint implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> {

    private static final Duration AUTO_CERTIFICATE_VALIDITY = Duration.ofDays(90);

    /** What the start-up report says about the listener. */
    public record Served(String scheme, String bindAddress, Optional<String> certificateFingerprint) {}

    private final GatehouseSettings settings;
    private final ObjectProvider<CertificateAuthorities> authorities;
    private volatile Served served;

    public HttpEndpoint(GatehouseSettings settings, ObjectProvider<CertificateAuthorities> authorities) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.served = new Served("http", bindAddress(settings.http()), Optional.empty());
    }

    /** How the listener was set up (known once the web server was created). */
    public Served served() {
        return served;
    }

    @Override
    public void customize(ConfigurableServletWebServerFactory factory) {
        if (settings.role() == GatehouseSettings.Role.CLI) {
            return;
        }
        GatehouseSettings.Http http = settings.http();
        String bind = bindAddress(http);
        GatehouseSettings.HttpTls tls = http.tls();
        if (!tls.enabled() && !loopback(bind) && !http.plaintextOnNetwork()) {
            throw new InvalidSettingException("gatehouse.http.bind-address", "a loopback address for plain HTTP, or TLS"
                    + " (gatehouse.http.tls.certificate: a PEM file or auto), or gatehouse.http.plaintext-on-network=true",
                    "plain HTTP on " + bind + " would carry tokens and session cookies in clear text");
        }
        factory.setAddress(address(bind));
        if (!tls.enabled()) {
            served = new Served("http", bind, Optional.empty());
            return;
        }
        Ssl ssl = new Ssl();
        String certificatePem;
        if (tls.auto()) {
            KeyPair key = TunnelConfiguration.serverKey();
            CertificateAuthorities ca = authorities.getObject();
            X509Certificate certificate = ca.x509().issue(key.getPublic(), "gatehouse https", names(tls),
                    AUTO_CERTIFICATE_VALIDITY, Usage.SERVER);
            certificatePem = Pem.encode(certificate, ca.x509().certificate());
            ssl.setCertificate(certificatePem);
            ssl.setCertificatePrivateKey(Pem.encode(key.getPrivate()));
        } else {
            if (tls.privateKey().isBlank()) {
                throw new InvalidSettingException("gatehouse.http.tls.private-key", "the PEM file of the certificate's key",
                        "missing while gatehouse.http.tls.certificate names a file");
            }
            certificatePem = read("gatehouse.http.tls.certificate", tls.certificate());
            read("gatehouse.http.tls.private-key", tls.privateKey());
            ssl.setCertificate("file:" + Path.of(tls.certificate()).toAbsolutePath());
            ssl.setCertificatePrivateKey("file:" + Path.of(tls.privateKey()).toAbsolutePath());
        }
        factory.setSsl(ssl);
        served = new Served("https", bind, Optional.of(fingerprint(Pem.certificates(certificatePem).getFirst())));
    }

    private static String bindAddress(GatehouseSettings.Http http) {
        return !http.bindAddress().isBlank() ? http.bindAddress().strip() : http.tls().enabled() ? "0.0.0.0" : "127.0.0.1";
    }

    private static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static InetAddress address(String bind) {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException("gatehouse.http.bind-address", "an address of this machine", "unknown: " + bind);
        }
    }

    private static List<String> names(GatehouseSettings.HttpTls tls) {
        return tls.names().isEmpty() ? TunnelConfiguration.serverNames("localhost") : tls.names();
    }

    private static String read(String setting, String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (java.io.IOException | RuntimeException e) {
            throw new InvalidSettingException(setting, "a readable PEM file", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** {@code SHA256:AB:CD:...}, as browsers and {@code openssl x509 -fingerprint -sha256} show it. */
    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the HTTPS certificate", e);
        }
    }
}
