package dev.gatehouse.bench;

import dev.gatehouse.agent.config.AllowList;
import dev.gatehouse.agent.enroll.Enroller;
import dev.gatehouse.agent.tunnel.AgentCredentials;
import dev.gatehouse.agent.tunnel.AgentSettings;
import dev.gatehouse.agent.tunnel.TunnelAgent;
import dev.gatehouse.pki.x509.Pem;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator of the tunnel benchmark's memory measurement: enrolls {@code count} agents in one network the
 * way {@code gatehouse-agent join} does (a join token from the REST API each, a key pair and CSR each), then runs
 * them as {@link TunnelAgent}s in this one JVM on a shared event loop group, and keeps their links open and idle.
 * Prints {@code ENROLLED <n>}; then each line {@code start <k>} on its standard input starts the next k agents and,
 * once every agent started so far has its link up (or after three minutes), prints {@code LINKED <linked> of
 * <started>}. When its standard input closes it stops them all.
 *
 * <p>usage: {@code AgentSwarm API_URL GATEWAY_HOST:PORT NETWORK COUNT GATEWAY_CA_PEM} with the admin API token in
 * the environment variable {@code BENCH_API_TOKEN}.
 */
public final class AgentSwarm {

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final int ENROLLING_THREADS = 4;
    private static final Duration LINK_WAIT = Duration.ofMinutes(3);

    private final String api;
    private final String apiToken;
    private final String gateway;
    private final String network;
    private final List<X509Certificate> gatewayCas;
    private final HttpClient http = HttpClient.newHttpClient();

    AgentSwarm(String api, String apiToken, String gateway, String network, List<X509Certificate> gatewayCas) {
        this.api = api;
        this.apiToken = apiToken;
        this.gateway = gateway;
        this.network = network;
        this.gatewayCas = List.copyOf(gatewayCas);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || System.getenv("BENCH_API_TOKEN") == null) {
            System.err.println("usage: BENCH_API_TOKEN=... AgentSwarm API_URL GATEWAY_HOST:PORT NETWORK COUNT"
                    + " GATEWAY_CA_PEM");
            System.exit(2);
        }
        List<X509Certificate> cas = Pem.certificates(Files.readString(Path.of(args[4]),
                StandardCharsets.US_ASCII));
        AgentSwarm swarm = new AgentSwarm(args[0], System.getenv("BENCH_API_TOKEN"), args[1], args[2], cas);
        int count = Integer.parseInt(args[3]);
        List<AgentCredentials> enrolled = swarm.enroll(count);
        System.out.println("ENROLLED " + enrolled.size());
        swarm.run(enrolled, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    /** Enrolls {@code count} agents, a few at a time (each join is a TLS handshake and a certificate signature). */
    List<AgentCredentials> enroll(int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ENROLLING_THREADS);
        try {
            List<Future<AgentCredentials>> joins = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "swarm-" + i;
                joins.add(pool.submit(() -> join(name)));
            }
            List<AgentCredentials> credentials = new ArrayList<>();
            for (Future<AgentCredentials> join : joins) {
                credentials.add(join.get());
            }
            return credentials;
        } finally {
            pool.shutdownNow();
        }
    }

    private AgentCredentials join(String name) throws IOException, InterruptedException {
        Enroller.Issued issued = new Enroller(gateway, gatewayCas).join(joinToken(), network, name);
        return new AgentCredentials(issued.keys().getPrivate(), issued.chain(), gatewayCas);
    }

    private String joinToken() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/join-tokens"))
                .header("Authorization", "Bearer " + apiToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"network\":\"" + network + "\",\"ttlSeconds\":600}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher token = TOKEN.matcher(response.body());
        if ((response.statusCode() != 201 && response.statusCode() != 200) || !token.find()) {
            throw new IOException("join token refused (" + response.statusCode() + "): " + response.body());
        }
        return token.group(1);
    }

    /** Runs the agents on one shared event loop group, started in batches as asked, until the input ends. */
    void run(List<AgentCredentials> enrolled, BufferedReader commands) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
        AgentSettings settings = AgentSettings.defaults(new AllowList(List.of()));
        List<TunnelAgent> agents = new ArrayList<>();
        try {
            String command;
            while ((command = commands.readLine()) != null) {
                if (!command.startsWith("start ")) {
                    continue;
                }
                int more = Math.min(Integer.parseInt(command.substring(6).trim()), enrolled.size() - agents.size());
                for (AgentCredentials credentials : enrolled.subList(agents.size(), agents.size() + more)) {
                    TunnelAgent agent = new TunnelAgent(gateway, settings, credentials, "swarm", group, blocking);
                    agents.add(agent);
                    agent.start();
                }
                System.out.println("LINKED " + awaitLinks(agents) + " of " + agents.size());
            }
        } finally {
            agents.forEach(TunnelAgent::close);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            blocking.shutdownNow();
        }
    }

    private static long awaitLinks(List<TunnelAgent> agents) throws InterruptedException {
        long deadline = System.nanoTime() + LINK_WAIT.toNanos();
        long linked = 0;
        while (System.nanoTime() < deadline) {
            linked = agents.stream().filter(agent -> !agent.connectedGateways().isEmpty()).count();
            if (linked == agents.size()) {
                break;
            }
            Thread.sleep(200);
        }
        return linked;
    }
}
