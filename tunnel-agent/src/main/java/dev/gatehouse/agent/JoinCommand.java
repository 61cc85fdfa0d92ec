package dev.gatehouse.agent;

import dev.gatehouse.agent.enroll.AgentState;
import dev.gatehouse.agent.enroll.Enroller;
import dev.gatehouse.pki.x509.Pem;
import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One-time enrollment: key pair made here, CSR sent, certificate stored owner-only in the state directory. */
@Command(name = "join", mixinStandardHelpOptions = true, description = "Join an agent network with a one-time token.")
final class JoinCommand implements Callable<Integer> {

    @Option(names = "--gateway", required = true, description = "gateway tunnel address host:port (e.g. gw.example.com:4443)")
    String gateway;

    @Option(names = "--network", required = true, description = "agent network the token was issued for")
    String network;

    @Option(names = "--name", description = "this agent's name (default: the host name)")
    String name;

    @Option(names = "--token-file", description = "file holding the one-time join token, '-' for standard input"
            + " (default: env GATEHOUSE_JOIN_TOKEN)")
    String tokenFile;

    @Option(names = "--gateway-ca", required = true, description = "PEM file with the CA that signed the gateway's tunnel certificate")
    Path gatewayCa;

    @Option(names = "--state-dir", defaultValue = "/var/lib/gatehouse-agent", description = "where the key and certificate go (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        String token = tokenFile == null ? System.getenv("GATEHOUSE_JOIN_TOKEN")
                : "-".equals(tokenFile) ? new String(System.in.readNBytes(4096), StandardCharsets.UTF_8).trim()
                : Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim();
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no join token: pass --token-file or set GATEHOUSE_JOIN_TOKEN"
                    + " (never on the command line, where other users can read it)");
        }
        String agentName = name != null ? name : defaultName();
        AgentIdentity.requireName("network", network);
        AgentIdentity.requireName("agent name", agentName);
        List<X509Certificate> cas = Pem.certificates(Files.readString(gatewayCa, StandardCharsets.US_ASCII));
        AgentState state = new AgentState(stateDir);
        Enroller.Issued issued = new Enroller(gateway, cas).join(token.trim(), network, agentName);
        state.save(new AgentState.Enrollment(gateway, network, agentName), issued.keys().getPrivate(),
                issued.chain(), cas);
        System.out.println("joined network " + network + " as " + agentName + "; certificate valid until "
                + issued.chain().getFirst().getNotAfter().toInstant() + "; state in " + stateDir);
        return 0;
    }

    private static String defaultName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "agent";
        }
        String cleaned = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }
}
