package dev.gatehouse.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.roles.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The access matrix: who may open which login on which host, and forward where; every refusal says why. */
class PolicyEngineTest {

    private static final PolicyEngine ENGINE = new PolicyEngine(new InMemoryPolicyFacts()
            .role(new Role("web-admin", List.of("root", "deploy"), Map.of("app", "web", "env", "prod*"), List.of(),
                    3600, false, true))
            .role(new Role("dba", List.of("postgres"), Map.of("app", "db"), List.of("db-*:5432", "licence:*"), 600,
                    true, false))
            .role(new Role("everywhere", List.of("audit"), Map.of("*", "*"), List.of(), 300, false, false))
            .role(new Role("nothing", List.of("root"), Map.of(), List.of("*:*"), 300, false, false))
            .role(new Role("db-tunnels", List.of("postgres"), Map.of("app", "db"), List.of(), 600, false, false, true))
            .role(new Role("db-long-detach", List.of("postgres"), Map.of("app", "db"), List.of(), 600, false, false,
                    false, 1800))
            .role(new Role("db-no-detach", List.of("postgres"), Map.of("app", "db"), List.of(), 600, false, false,
                    false, 0))
            .role(new Role("net", List.of("deploy"), Map.of("app", "web"), List.of("local*:*", "*.corp:5432",
                    "10.20.0.0/16:5432", "[fd00::/8]:22", "127.0.0.0/8:9000", "app.corp:3000-3009", "10.30.*.*:80",
                    "licence:27000@office", "198.51.100.0/24:443@lab"), 60, false, false))
            .user("alice", false, "web-admin")
            .user("bob", false, "dba", "nothing")
            .user("carol", true, "web-admin", "everywhere")
            .user("dave", false)
            .user("frank", false, "dba", "db-tunnels")
            .user("erin", false, "everywhere", "ghost-role")
            .user("grace", false, "net")
            .user("heidi", false, "db-no-detach", "db-long-detach")
            .user("ivan", false, "db-no-detach")
            .user("judy", false)
            .granted("judy", "dba")
            .user("kim", true)
            .granted("kim", "dba")
            .host("web-01", "direct", Map.of("app", "web", "env", "production"))
            .host("web-02", "direct", Map.of("app", "web", "env", "staging"))
            .host("db-01", "office", Map.of("app", "db"))
            .host("bare", "direct", Map.of()));

    static Stream<Arguments> logins() {
        return Stream.of(
                // user, login, host, allowed, reason fragment
                Arguments.of("alice", "root", "web-01", true, "role 'web-admin' grants login 'root' on host 'web-01'"),
                Arguments.of("alice", "deploy", "web-01", true, "'web-admin'"),
                Arguments.of("alice", "postgres", "web-01", false, "no role of 'alice' grants login 'postgres' on host 'web-01' (granted there: [deploy, root])"),
                Arguments.of("alice", "root", "web-02", false, "no role of 'alice' grants access to host 'web-02'"),
                Arguments.of("alice", "root", "db-01", false, "no role of 'alice' grants access to host 'db-01'"),
                Arguments.of("alice", "root", "nowhere", false, "unknown host 'nowhere'"),
                Arguments.of("bob", "postgres", "db-01", true, "'dba'"),
                Arguments.of("bob", "root", "bare", false, "no role of 'bob' grants access to host 'bare'"),
                Arguments.of("bob", "root", "web-01", false, "no role of 'bob' grants access to host 'web-01'"),
                Arguments.of("carol", "root", "web-01", false, "user 'carol' is disabled"),
                Arguments.of("dave", "root", "web-01", false, "no role of 'dave' grants access to host 'web-01'"),
                Arguments.of("erin", "audit", "bare", true, "'everywhere'"),
                Arguments.of("erin", "audit", "db-01", true, "'everywhere'"),
                Arguments.of("erin", "root", "bare", false, "grants login 'root'"),
                Arguments.of("mallory", "root", "web-01", false, "unknown user 'mallory'"),
                Arguments.of("alice", "Root", "web-01", false, "grants login 'Root'"));
    }

    @ParameterizedTest(name = "{0} as {1} on {2} -> {3}")
    @MethodSource("logins")
    void mayLoginAnswersTheMatrixWithReasons(String user, String login, String host, boolean allowed, String reason) {
        AccessDecision decision = ENGINE.mayLogin(user, login, host);

        assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
        assertThat(decision.reason()).contains(reason);
    }

    static Stream<Arguments> forwards() {
        return Stream.of(
                Arguments.of("bob", "office", "db-02", 5432, true, "role 'dba' grants forwarding to db-02:5432 in network 'office'"),
                Arguments.of("bob", "office", "DB-02", 5432, true, "'dba'"),
                Arguments.of("bob", "office", "licence", 27000, true, "'dba'"),
                Arguments.of("bob", "office", "db-02", 22, false, "forwarding to db-02:22 in network 'office' is not granted to 'bob'"),
                Arguments.of("bob", "office", "web-01", 5432, false, "is not granted"),
                Arguments.of("bob", "direct", "db-02", 5432, false, "no role of 'bob' grants access to any host in network 'direct'"),
                Arguments.of("bob", "elsewhere", "db-02", 5432, false, "any host in network 'elsewhere'"),
                Arguments.of("alice", "direct", "web-01", 80, false, "is not granted"),
                Arguments.of("carol", "direct", "web-01", 22, false, "user 'carol' is disabled"),
                Arguments.of("mallory", "office", "db-02", 5432, false, "unknown user 'mallory'"));
    }

    @ParameterizedTest(name = "{0} to {2}:{3} in {1} -> {4}")
    @MethodSource("forwards")
    void mayForwardAnswersTheMatrixWithReasons(String user, String network, String host, int port, boolean allowed,
            String reason) {
        AccessDecision decision = ENGINE.mayForward(user, network, host, port);

        assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
        assertThat(decision.reason()).contains(reason);
    }

    static Stream<Arguments> resolvedForwards() {
        return Stream.of(
                // name sent, address it resolved to, reserved range, port, allowed, reason fragment
                Arguments.of("localhost", "127.0.0.1", "127.0.0.0/8", 8080, false,
                        "forwarding to localhost (127.0.0.1):8080 in network 'direct' is refused: 127.0.0.1 is in "
                                + "127.0.0.0/8, reserved (loopback); only a grant naming it by CIDR, such as "
                                + "127.0.0.1/32:8080, opens it"),
                Arguments.of("localhost", "127.0.0.1", "127.0.0.0/8", 9000, true, "'net'"),
                Arguments.of("localhost", "::1", "::1/128", 9000, false, "reserved (loopback)"),
                Arguments.of("db.corp", "169.254.169.254", "169.254.169.254/32", 5432, false, "cloud metadata"),
                Arguments.of("db.corp", "169.254.1.1", "169.254.0.0/16", 5432, false, "reserved (link-local)"),
                Arguments.of("gw.corp", "10.20.0.1", "10.20.0.1/32", 5432, false, "the gateway itself"),
                Arguments.of("db.corp", "10.20.3.4", null, 5432, true, "grants forwarding to db.corp (10.20.3.4):5432"),
                Arguments.of("elsewhere.example", "10.20.3.4", null, 5432, true, "'net'"),
                Arguments.of("10.20.3.4", "10.20.3.4", null, 5432, true, "forwarding to 10.20.3.4:5432"),
                Arguments.of("elsewhere.example", "10.21.0.1", null, 5432, false, "is not granted to 'grace'"),
                Arguments.of("localbox", "203.0.113.5", null, 1, true, "'net'"),
                Arguments.of("local.evil.example", "203.0.113.5", null, 1, false, "is not granted"),
                Arguments.of("fd00::5", "fd00::5", null, 22, true, "'net'"),
                Arguments.of("fd00::5", "fd00::5", null, 23, false, "is not granted"),
                Arguments.of("app.corp", "203.0.113.7", null, 3009, true, "'net'"),
                Arguments.of("app.corp", "203.0.113.7", null, 3010, false, "is not granted"),
                Arguments.of("10.30.1.2", "10.30.1.2", null, 80, true, "'net'"),
                Arguments.of("10.30.evil.example", "203.0.113.9", null, 80, false, "is not granted"),
                Arguments.of("www.example", "198.51.100.7", null, 443, false, "is not granted"));
    }

    @ParameterizedTest(name = "{0} ({1}):{3} -> {4}")
    @MethodSource("resolvedForwards")
    void mayForwardChecksTheResolvedAddressAndRefusesReservedOnesUnlessACidrNamesThem(String name, String address,
            String reserved, int port, boolean allowed, String reason) throws Exception {
        ForwardDestination destination = new ForwardDestination(name, java.net.InetAddress.getByName(address),
                reserved == null ? null : Cidr.parse(reserved));

        AccessDecision decision = ENGINE.mayForward("grace", "direct", destination, port);

        assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
        assertThat(decision.reason()).contains(reason);
    }

    @Test
    void aGrantTiedToANetworkGrantsOnlyThere() {
        assertThat(ENGINE.mayForward("grace", "office", "licence", 27000).allowed()).isTrue();
        assertThat(ENGINE.mayForward("grace", "direct", "licence", 27000).allowed()).isFalse();
        assertThat(ENGINE.mayForward("grace", "lab", "198.51.100.7", 443).allowed()).isTrue();
        assertThat(ENGINE.tiedAgentNetwork("grace", "licence", 27000, "direct")).contains("office");
        assertThat(ENGINE.tiedAgentNetwork("grace", "licence", 27001, "direct")).isEmpty();
        assertThat(ENGINE.tiedAgentNetwork("carol", "licence", 27000, "direct")).isEmpty();
    }

    @Test
    void reservedRangesNameTheNarrowestRangeAndTheGatewaysOwnAddresses() throws Exception {
        java.net.InetAddress own = java.net.InetAddress.getByName("10.20.0.1");
        ReservedRanges ranges = new ReservedRanges(own::equals);

        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("169.254.169.254")))
                .contains(Cidr.parse("169.254.169.254/32"));
        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("169.254.3.3"))).contains(Cidr.parse("169.254.0.0/16"));
        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("fe80::1"))).contains(Cidr.parse("fe80::/10"));
        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("fd00:ec2::254"))).contains(Cidr.parse("fd00:ec2::254/128"));
        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("0.0.0.0"))).contains(Cidr.parse("0.0.0.0/8"));
        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("::ffff:127.0.0.2"))).contains(Cidr.parse("127.0.0.0/8"));
        assertThat(ranges.rangeOf(own)).contains(Cidr.parse("10.20.0.1/32"));
        assertThat(ranges.rangeOf(java.net.InetAddress.getByName("10.20.0.2"))).isEmpty();
        assertThat(ReservedRanges.ofThisMachine().rangeOf(java.net.InetAddress.getLoopbackAddress()))
                .contains(Cidr.parse("127.0.0.0/8"));
    }

    @Test
    void allowedLoginCarriesTheGrantingRolesLimits() {
        AccessDecision decision = ENGINE.mayLogin("alice", "root", "web-01");

        assertThat(decision.grantingRoles()).containsExactly("web-admin");
        assertThat(decision.maxSessionSeconds()).isEqualTo(3600);
        assertThat(decision.allowAgentForwarding()).isTrue();
        assertThat(decision.allowRemoteForwarding()).isFalse();
    }

    @Test
    void aDetachedShellIsKeptForTheLongestGraceOfTheGrantingRoles() {
        assertThat(ENGINE.mayLogin("heidi", "postgres", "db-01").detachedSeconds()).isEqualTo(1800);
        assertThat(ENGINE.mayLogin("ivan", "postgres", "db-01").detachedSeconds()).isZero();
        assertThat(ENGINE.mayLogin("bob", "postgres", "db-01").detachedSeconds()).isEqualTo(Role.DEFAULT_DETACHED_SECONDS);
    }

    @Test
    void portForwardingInsideASessionIsAllowedWhenAGrantingRoleSaysSo() {
        assertThat(ENGINE.mayLogin("frank", "postgres", "db-01").portForwarding()).isTrue();
        assertThat(ENGINE.mayLogin("bob", "postgres", "db-01").portForwarding()).isFalse();
        assertThat(ENGINE.mayLogin("alice", "root", "web-01").portForwarding()).isFalse();
    }

    @Test
    void refusalGrantsNothing() {
        AccessDecision decision = ENGINE.mayLogin("carol", "root", "web-01");

        assertThat(decision.grantingRoles()).isEmpty();
        assertThat(decision.maxSessionSeconds()).isZero();
        assertThat(decision.allowAgentForwarding()).isFalse();
    }

    @Test
    void reachableHostsListsEachHostWithItsLogins() {
        assertThat(ENGINE.reachableHosts("alice")).containsExactly(
                new ReachableHost("web-01", "direct", List.of("deploy", "root")));
        assertThat(ENGINE.reachableHosts("erin")).extracting(ReachableHost::host)
                .containsExactly("web-01", "web-02", "db-01", "bare");
        assertThat(ENGINE.reachableHosts("carol")).isEmpty();
        assertThat(ENGINE.reachableHosts("mallory")).isEmpty();
        assertThat(ENGINE.reachableHosts("dave")).isEmpty();
    }

    @Test
    void roleGrantedByAnAccessRequestCountsLikeOneHeldAndNotForADisabledPerson() {
        assertThat(ENGINE.mayLogin("judy", "postgres", "db-01").reason()).isEqualTo(
                "role 'dba' grants login 'postgres' on host 'db-01'");
        assertThat(ENGINE.reachableHosts("judy")).extracting(ReachableHost::host).containsExactly("db-01");
        assertThat(ENGINE.mayForward("judy", "office", "db-01", 5432).allowed()).isTrue();
        assertThat(ENGINE.mayLogin("kim", "postgres", "db-01").reason()).isEqualTo("user 'kim' is disabled");
    }
}
