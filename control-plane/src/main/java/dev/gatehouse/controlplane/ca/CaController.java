package dev.gatehouse.controlplane.ca;

import java.util.Objects;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/ca/*}: the public halves of the CAs, exactly as the consuming file expects them (one line + LF). */
@RestController
@RequestMapping(value = "/api/v1/ca", produces = MediaType.TEXT_PLAIN_VALUE)
final class CaController {

    private final CertificateAuthorities authorities;

    CaController(CertificateAuthorities authorities) {
        this.authorities = Objects.requireNonNull(authorities, "authorities");
    }

    /** The line for a target's {@code TrustedUserCAKeys} file. */
    @GetMapping("/ssh-user")
    String sshUser() {
        return authorities.userCaLine() + "\n";
    }

    /** The {@code @cert-authority *} line for a client's {@code known_hosts}. */
    @GetMapping("/ssh-host")
    String sshHost() {
        return authorities.hostCaKnownHostsLine() + "\n";
    }

    /** The X.509 CA certificate (PEM) agents and nodes trust. */
    @GetMapping(value = "/x509", produces = "application/x-pem-file")
    String x509() {
        return authorities.x509CaPem();
    }
}
