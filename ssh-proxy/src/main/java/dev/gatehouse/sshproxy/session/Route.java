package dev.gatehouse.sshproxy.session;

import java.util.Objects;

/** What the SSH user name asked for: {@code login@host} picks a target, a bare name asks for the menu. */
public sealed interface Route {

    /**
     * Ends the login part of a user name to ask for a new session where a detached one would be re-attached:
     * {@code ssh -p 2222 root+new@web-01@gw}, or {@code ssh -J alice@gw root+new@web-01}. Logins never contain '+'.
     */
    String FRESH_SUFFIX = "+new";

    /** Reads the user name a client sent to the gateway itself. */
    static Route parse(String sshUser) {
        Objects.requireNonNull(sshUser, "sshUser");
        int at = sshUser.lastIndexOf('@');
        if (at > 0 && at < sshUser.length() - 1) {
            return ToTarget.of(sshUser.substring(0, at), sshUser.substring(at + 1));
        }
        return new Menu(sshUser);
    }

    /** {@code login@host}: log in to {@code host} as {@code login}; {@code fresh}: never re-attach. */
    record ToTarget(String login, String host, boolean fresh) implements Route {

        public ToTarget(String login, String host) {
            this(login, host, false);
        }

        /** From a requested login that may end in {@link #FRESH_SUFFIX}. */
        static ToTarget of(String requestedLogin, String host) {
            boolean fresh = requestedLogin.endsWith(FRESH_SUFFIX) && requestedLogin.length() > FRESH_SUFFIX.length();
            return new ToTarget(fresh ? requestedLogin.substring(0, requestedLogin.length() - FRESH_SUFFIX.length())
                    : requestedLogin, host, fresh);
        }
    }

    /** A bare user name: show what this person may reach. */
    record Menu(String name) implements Route {
    }
}
