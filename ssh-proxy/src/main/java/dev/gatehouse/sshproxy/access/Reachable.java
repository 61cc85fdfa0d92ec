package dev.gatehouse.sshproxy.access;

import java.util.List;
import java.util.Objects;

/** One line of the menu: a host and the logins this person may use on it. */
public record Reachable(String host, List<String> logins) {
    public Reachable {
        Objects.requireNonNull(host, "host");
        logins = List.copyOf(logins);
    }
}
