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
            .user("alice", false, "web-admin")
            .user("bob", false, "dba", "nothing")
            .user("carol", true, "web-admin", "everywhere")
            .user("dave", false)
            .user("frank", false, "dba", "db-tunnels")
            .user("erin", false, "everywhere", "ghost-role")
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

    @Test
    void allowedLoginCarriesTheGrantingRolesLimits() {
        AccessDecision decision = ENGINE.mayLogin("alice", "root", "web-01");

        assertThat(decision.grantingRoles()).containsExactly("web-admin");
        assertThat(decision.maxSessionSeconds()).isEqualTo(3600);
        assertThat(decision.allowAgentForwarding()).isTrue();
        assertThat(decision.allowRemoteForwarding()).isFalse();
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
}
