package dev.gatehouse.controlplane.api;

/** The syntax of everything named through the API: short, lower case, no separators or control characters. */
public final class Names {

    /** Users, hosts, networks, roles, tokens. Starts with a letter or digit; never {@code /} or {@code ..} first. */
    public static final String NAME = "[a-z0-9][a-z0-9._-]{0,62}";

    public static final String NAME_MESSAGE =
            "must be 1 to 63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

    /** A Unix login on a target host. */
    public static final String LOGIN = "[a-z_][a-z0-9_.-]{0,31}";

    public static final String LOGIN_MESSAGE = "must be a Unix login: 1 to 32 characters of a-z, 0-9, '_', '.', '-'";

    private Names() {}
}
