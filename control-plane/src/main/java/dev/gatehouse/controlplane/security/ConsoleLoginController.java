package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import dev.gatehouse.sshproxy.server.FailureWindows;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/session}: the console's password login. A successful login sets an HttpOnly, SameSite=Strict
 * session cookie; requests made with it must carry the {@code XSRF-TOKEN} cookie's value in {@code X-XSRF-TOKEN}.
 * Failed sign-ins are throttled per address and per user name (429, the password not even checked). A person with
 * a password but no API scope may sign in too: such a session reaches only its own SSH approvals.
 */
@RestController
@RequestMapping(SecurityConfiguration.LOGIN_PATH)
final class ConsoleLoginController {


    // Failed sign-ins allowed per address and per user name within FAILURE_WINDOW before further tries are refused
    // without checking the password (each check costs a bcrypt).
    static final int FAILURES_PER_ADDRESS = 20;
    static final int FAILURES_PER_USER = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);

    private final UserStore users;
    private final PasswordEncoder passwords;
    private final ControlPlaneAudit trail;
    private final RefusalHandler refusals;
    private final FailureWindows failures;
    private final Clock clock;
    private final boolean passwordSignIn;
    private final SingleSignOn singleSignOn;
    // Compared against when the user has no password, so a wrong name costs as long as a wrong password.
    private final String absentHash;

    ConsoleLoginController(UserStore users, PasswordEncoder passwords, ControlPlaneAudit trail, RefusalHandler refusals,
            Clock clock, GatehouseSettings settings) {
        this.passwordSignIn = settings.console().passwordSignIn();
        this.singleSignOn = settings.oidc().signInEnabled()
                ? new SingleSignOn(settings.oidc().displayName(), ConsoleSingleSignOn.START_PATH) : null;
        this.users = Objects.requireNonNull(users, "users");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failures = new FailureWindows(FAILURE_WINDOW, 10_000, clock);
        this.absentHash = passwords.encode(OpaqueTokens.generate(""));
    }

    record Login(@NotNull @Size(max = 63) String username, @NotNull @Size(max = 256) String password) {}

    /** Who is signed in, and with which scope. */
    record SessionView(String username, String scope, String via) {
        static SessionView of(Caller caller) {
            return new SessionView(caller.name(), caller.scope() == null ? null : caller.scope().wireName(), caller.via());
        }
    }

    /** How the console's sign-in page may sign people in; asked before anyone is signed in. */
    record SignInOptions(boolean passwordSignIn, SingleSignOn singleSignOn) {}

    /** The issuer's button: "Sign in with {@code name}", a link to {@code url}. */
    record SingleSignOn(String name, String url) {}

    @GetMapping("/options")
    SignInOptions options() {
        return new SignInOptions(passwordSignIn, singleSignOn);
    }

    @PostMapping
    SessionView login(@Valid @RequestBody Login login, HttpServletRequest request, HttpServletResponse response) {
        String address = request.getRemoteAddr();
        String userKey = "user:" + login.username();
        if (failures.failures(address) >= FAILURES_PER_ADDRESS || failures.failures(userKey) >= FAILURES_PER_USER) {
            refusals.recordCounted(new AuditRecord("console.login", login.username(), "console", null, null, address,
                    "denied", "too many failed sign-ins"));
            throw ApiException.tooManyRequests("too many failed sign-ins from this address or for this user; try again in"
                    + " a few minutes");
        }
        if (!passwordSignIn) {
            // Counted like a wrong password, so the throttle above bounds how many of these reach the audit chain.
            failures.count(address);
            trail.record(new AuditRecord("console.login", login.username(), "console", null, null, address, "denied",
                    "password sign-in is switched off"));
            throw ApiException.forbidden("password sign-in is switched off (gatehouse.console.password-sign-in=false);"
                    + " sign in with " + (singleSignOn == null ? "single sign-on" : singleSignOn.name()));
        }
        Optional<User> user = users.find(login.username());
        String hash = users.passwordHash(login.username()).orElse(absentHash);
        boolean matches = passwords.matches(login.password(), hash);
        String refusal = !matches || user.isEmpty() ? "wrong username or password"
                : user.get().disabled() ? "user is disabled" : null;
        if (refusal != null) {
            failures.count(address);
            failures.count(userKey);
            trail.record(new AuditRecord("console.login", login.username(), "console", null, null,
                    request.getRemoteAddr(), "denied", refusal));
            throw ApiException.unauthorized(refusal.startsWith("wrong") ? refusal : "login refused: " + refusal);
        }
        Caller caller = new Caller(user.get().username(), user.get().apiScope(), "password");
        ConsoleSessions.begin(caller, request, response, clock);
        trail.record(new AuditRecord("console.login", caller.name(), "console", null, null, request.getRemoteAddr(),
                "success", null));
        return SessionView.of(caller);
    }

    @GetMapping
    SessionView current(Authentication authentication) {
        return SessionView.of(((CallerAuthentication) authentication).caller());
    }

    @DeleteMapping
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logout(HttpServletRequest request, Authentication authentication) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
            trail.record(new AuditRecord("console.logout", authentication.getName(), "console", null, null,
                    request.getRemoteAddr(), "success", null));
        }
        SecurityContextHolder.clearContext();
    }

}
