package dev.gatehouse.sshproxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void loginAtHostPicksATarget() {
        assertThat(Route.parse("root@web-01")).isEqualTo(new Route.ToTarget("root", "web-01"));
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
