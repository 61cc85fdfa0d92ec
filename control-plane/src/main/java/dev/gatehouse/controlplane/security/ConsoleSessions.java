package dev.gatehouse.controlplane.security;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import dev.gatehouse.controlplane.users.User;
import dev.gatehouse.controlplane.users.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The console's sign-ins, kept in the HTTP session and checked again on every request: a person disabled or deleted
 * loses the session at once, a changed scope applies at once (a person with no scope reaches only their own access
 * requests), and no session outlives
 * {@code gatehouse.console.session-lifetime} after its sign-in. Each ending is an audit event.
 */
final class ConsoleSessions implements SecurityContextRepository {

    /** When the person signed in (an {@link Instant}), set by the login. */
    static final String SIGNED_IN_AT = ConsoleSessions.class.getName() + ".signedInAt";

    /** How a console session's person signed in: with their password, or through the OIDC issuer. */
    static final java.util.Set<String> CONSOLE_SIGN_INS = java.util.Set.of("password", "sso");

    private static final HttpSessionSecurityContextRepository SESSIONS = new HttpSessionSecurityContextRepository();

    private final HttpSessionSecurityContextRepository stored = new HttpSessionSecurityContextRepository();
    private final UserStore users;
    private final ControlPlaneAudit trail;
    private final Clock clock;
    private final Duration lifetime;

    ConsoleSessions(UserStore users, ControlPlaneAudit trail, Clock clock, Duration lifetime) {
        this.users = Objects.requireNonNull(users, "users");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    /**
     * Begins {@code caller}'s console session: a new session id (any earlier session ends), its sign-in time (the
     * start of its lifetime) and the security context.
     */
    static void begin(Caller caller, HttpServletRequest request, HttpServletResponse response, Clock clock) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        request.getSession(true).setAttribute(SIGNED_IN_AT, clock.instant());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new CallerAuthentication(caller));
        SecurityContextHolder.setContext(context);
        SESSIONS.saveContext(context, request, response);
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        DeferredSecurityContext loaded = stored.loadDeferredContext(request);
        return new DeferredSecurityContext() {
            private SecurityContext checked;

            @Override
            public SecurityContext get() {
                if (checked == null) {
                    checked = recheck(request, loaded.get());
                }
                return checked;
            }

            @Override
            public boolean isGenerated() {
                return loaded.isGenerated() || get().getAuthentication() == null;
            }
        };
    }

    @Override
    @Deprecated
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
        return recheck(holder.getRequest(), stored.loadDeferredContext(holder.getRequest()).get());
    }

    /**
     * Keeps only a console sign-in in the session (or its end). A call with a bearer token (API token or OIDC JWT) is
     * authenticated per request: storing it would start a console session, a stored row and a cookie, per call.
     */
    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        if (context.getAuthentication() instanceof CallerAuthentication authentication
                && !CONSOLE_SIGN_INS.contains(authentication.caller().via())) {
            return;
        }
        stored.saveContext(context, request, response);
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        return stored.containsContext(request);
    }

    /** The context as the person's current state allows it: unchanged, with the scope they hold now, or empty. */
    private SecurityContext recheck(HttpServletRequest request, SecurityContext context) {
        if (!(context.getAuthentication() instanceof CallerAuthentication authentication)
                || !CONSOLE_SIGN_INS.contains(authentication.caller().via())) {
            return context;
        }
        HttpSession session = request.getSession(false);
        if (session == null) {
            return context;
        }
        Caller caller = authentication.caller();
        // The lifetime first: an expired session costs no database query.
        String ended = lifetimeOver(session);
        Optional<User> user = Optional.empty();
        if (ended == null) {
            user = users.find(caller.name());
            ended = refusal(user);
        }
        if (ended != null) {
            session.invalidate();
            trail.record(new AuditRecord("console.session.ended", caller.name(), "console", null, null,
                    request.getRemoteAddr(), "denied", ended));
            return SecurityContextHolder.createEmptyContext();
        }
        ApiScope now = user.orElseThrow().apiScope();
        if (now == caller.scope()) {
            return context;
        }
        SecurityContext changed = SecurityContextHolder.createEmptyContext();
        changed.setAuthentication(new CallerAuthentication(new Caller(caller.name(), now, caller.via())));
        session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, changed);
        return changed;
    }

    private String lifetimeOver(HttpSession session) {
        Object signedIn = session.getAttribute(SIGNED_IN_AT);
        return signedIn instanceof Instant at && clock.instant().isBefore(at.plus(lifetime)) ? null
                : "the console session reached its lifetime of " + lifetime;
    }

    /** Why the person may no longer hold a console session, or null when they may. */
    private static String refusal(Optional<User> user) {
        return user.isEmpty() ? "user deleted"
                : user.get().disabled() ? "user disabled"
                : null;
    }
}
