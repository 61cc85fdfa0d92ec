package dev.gatehouse.sshproxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void loginAtHostPicksATarget() {
        assertThat(Route.parse("root@web-01")).isEqualTo(new Route.ToTarget("root", "web-01"));
    }

    @Test
    void theNewSuffixAsksForAFreshSessionOnTheLoginItEnds() {
        assertThat(Route.parse("root+new@web-01")).isEqualTo(new Route.ToTarget("root", "web-01", true));
        assertThat(Route.ToTarget.of("deploy+new", "web-01")).isEqualTo(new Route.ToTarget("deploy", "web-01", true));
        assertThat(Route.parse("root@web-01")).isEqualTo(new Route.ToTarget("root", "web-01", false));
        assertThat(Route.parse("+new@web-01")).isEqualTo(new Route.ToTarget("+new", "web-01", false));
    }

    @Test
    void aPersonBeforeTheLoginNamesWhoLogsInWithoutAKey() {
        assertThat(Route.parse("alice+root@web-01")).isEqualTo(new Route.ToTarget("root", "web-01", false));
        assertThat(Route.parse("alice+root+new@web-01")).isEqualTo(new Route.ToTarget("root", "web-01", true));
        assertThat(Route.person("alice+root@web-01")).contains("alice");
        assertThat(Route.person("alice+root+new@web-01")).contains("alice");
        assertThat(Route.person("alice")).contains("alice");
        assertThat(Route.person("root@web-01")).isEmpty();
        assertThat(Route.person("root+new@web-01")).isEmpty();
        assertThat(Route.person("+root@web-01")).isEmpty();
    }

    @Test
    void bareNameAsksForTheMenu() {
        assertThat(Route.parse("alice")).isEqualTo(new Route.Menu("alice"));
    }

    @Test
    void emptyHalvesAreNotATarget() {
        assertThat(Route.parse("root@")).isInstanceOf(Route.Menu.class);
        assertThat(Route.parse("@web-01")).isInstanceOf(Route.Menu.class);
    }
}
