package dev.gatehouse.sshproxy.session;

import java.util.Objects;
import java.util.Optional;

/** What the SSH user name asked for: {@code login@host} picks a target, a bare name asks for the menu. */
public sealed interface Route {

    /**
     * Ends the login part of a user name to ask for a new session where a detached one would be re-attached:
     * {@code ssh -p 2222 root+new@web-01@gw}, or {@code ssh -J alice@gw root+new@web-01}. Logins never contain '+'.
     */
    String FRESH_SUFFIX = "+new";

    /**
     * Puts the person before the login when no key names them: {@code ssh -p 2222 alice+root@web-01@gw} (the bare
     * {@code alice} of the menu names the person already). With a key the key's owner is the person.
     */
    char PERSON_SEPARATOR = '+';

    /** The person a user name names ({@code alice}, {@code alice+root@web-01}); empty for {@code root@web-01}. */
    static Optional<String> person(String sshUser) {
        Route route = parse(sshUser);
        if (route instanceof Menu menu) {
            return menu.name().isEmpty() ? Optional.empty() : Optional.of(menu.name());
        }
        String requested = sshUser.substring(0, sshUser.lastIndexOf('@'));
        requested = withoutFresh(requested);
        int plus = requested.indexOf(PERSON_SEPARATOR);
        return plus > 0 && plus < requested.length() - 1 ? Optional.of(requested.substring(0, plus)) : Optional.empty();
    }

    private static String withoutFresh(String requestedLogin) {
        return requestedLogin.endsWith(FRESH_SUFFIX) && requestedLogin.length() > FRESH_SUFFIX.length()
                ? requestedLogin.substring(0, requestedLogin.length() - FRESH_SUFFIX.length()) : requestedLogin;
    }

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

        /** From a requested login that may start with a person and end in {@link #FRESH_SUFFIX}. */
        static ToTarget of(String requestedLogin, String host) {
            String login = withoutFresh(requestedLogin);
            boolean fresh = login.length() < requestedLogin.length();
            int plus = login.indexOf(PERSON_SEPARATOR);
            return new ToTarget(plus > 0 && plus < login.length() - 1 ? login.substring(plus + 1) : login, host, fresh);
        }
    }

    /** A bare user name: show what this person may reach. */
    record Menu(String name) implements Route {
    }
}
