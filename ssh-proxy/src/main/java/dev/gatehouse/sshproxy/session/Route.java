package dev.gatehouse.sshproxy.session;

import java.util.Objects;

/** What the SSH user name asked for: {@code login@host} picks a target, a bare name asks for the menu. */
public sealed interface Route {

    /** Reads the user name a client sent to the gateway itself. */
    static Route parse(String sshUser) {
        Objects.requireNonNull(sshUser, "sshUser");
        int at = sshUser.lastIndexOf('@');
        if (at > 0 && at < sshUser.length() - 1) {
            return new ToTarget(sshUser.substring(0, at), sshUser.substring(at + 1));
        }
        return new Menu(sshUser);
    }

    /** {@code login@host}: log in to {@code host} as {@code login}. */
    record ToTarget(String login, String host) implements Route {
    }

    /** A bare user name: show what this person may reach. */
    record Menu(String name) implements Route {
    }
}
