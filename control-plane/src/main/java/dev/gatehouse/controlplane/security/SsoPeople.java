package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Who a validated ID token from the console's single sign-on is: the person {@code oidc:<username-claim>}, as for the
 * API's bearer JWTs, kept as a user row made on their first sign-in (no roles, no password) so that admins can grant
 * roles, disable or delete them like anyone else. The groups decide the console scope at every sign-in and are
 * written to the row; a disabled person, or one whose groups map to no scope, is refused.
 */
final class SsoPeople implements OAuth2UserService<OidcUserRequest, OidcUser> {

    /** The code of every refusal that names a person (the failure handler audits it under their name). */
    static final String REFUSED = "access_denied";

    private final GatehouseSettings.Oidc settings;
    private final OidcCallers groups;
    private final UserStore users;

    SsoPeople(GatehouseSettings.Oidc settings, UserStore users) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.groups = new OidcCallers(settings);
        this.users = Objects.requireNonNull(users, "users");
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcIdToken token = request.getIdToken();
        String name = token.getClaimAsString(settings.usernameClaim());
        if (name == null || name.isBlank() || name.length() > 200 || !name.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_id_token",
                    "the ID token's '" + settings.usernameClaim() + "' claim is missing or not a name (1 to 200"
                            + " visible characters)", null));
        }
        Caller caller = new Caller(OidcCallers.PREFIX + name, groups.scope(token.getClaim(settings.rolesClaim())), "sso");
        Optional<User> known = users.find(caller.name());
        if (known.isPresent() && known.get().disabled()) {
            throw refused(caller, "user is disabled");
        }
        if (known.isPresent() || caller.scope() != null) {
            record(caller, known);
        }
        if (caller.scope() == null) {
            // Nobody is made for a refusal: whoever the issuer knows cannot add people here by trying.
            throw refused(caller, "no group in the '" + settings.rolesClaim() + "' claim maps to admin or auditor"
                    + " (gatehouse.oidc.scope-mapping)");
        }
        return new Person(caller, token);
    }

    /** Makes the person on their first sign-in, or writes the scope their groups give now. */
    private void record(Caller caller, Optional<User> known) {
        if (known.isEmpty()) {
            try {
                users.insert(new User(caller.name(), List.of(), false, caller.scope(), false), null);
            } catch (DuplicateKeyException race) {
                // Signed in twice at once: the other sign-in made the row; the scope is the same.
            }
        } else if (known.get().apiScope() != caller.scope()) {
            users.update(new User(caller.name(), known.get().roles(), false, caller.scope(), known.get().hasPassword()),
                    null);
        }
    }

    private static OAuth2AuthenticationException refused(Caller caller, String reason) {
        return new Refused(caller.name(), reason);
    }

    /** A refusal of a known person: the failure handler audits it under their name. */
    static final class Refused extends OAuth2AuthenticationException {
        private static final long serialVersionUID = 1L;

        private final String person;

        Refused(String person, String reason) {
            super(new OAuth2Error(REFUSED, reason, null), reason);
            this.person = person;
        }

        String person() {
            return person;
        }
    }

    /** The signed-in person, carrying the {@link Caller} the console session will hold. */
    static final class Person extends DefaultOidcUser {
        private static final long serialVersionUID = 1L;

        private final Caller caller;

        Person(Caller caller, OidcIdToken token) {
            super(List.of(), token);
            this.caller = caller;
        }

        Caller caller() {
            return caller;
        }

        @Override
        public String getName() {
            return caller.name();
        }
    }
}
