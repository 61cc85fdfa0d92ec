package dev.gatehouse.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/** A console sign-in ends at its absolute lifetime however active it was, and the ending is audited. */
class ConsoleSessionsTest {

    private static final Instant SIGNED_IN = Instant.parse("2026-01-01T08:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(12);

    // Never asked: an expired session ends before the person is looked up.
    private final UserStore users = new UserStore(JdbcClient.create(
            new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none")));
    private final List<AuditRecord> audited = new CopyOnWriteArrayList<>();

    @Test
    void aSessionPastItsLifetimeIsEndedAndAudited() {
        MockHttpSession session = signedIn();
        ConsoleSessions sessions = sessionsAt(SIGNED_IN.plus(LIFETIME));

        SecurityContext context = sessions.loadDeferredContext(request(session)).get();

        assertThat(context.getAuthentication()).isNull();
        assertThat(session.isInvalid()).isTrue();
        assertThat(audited).singleElement().satisfies(record -> {
            assertThat(record.type()).isEqualTo("console.session.ended");
            assertThat(record.actor()).isEqualTo("alice");
            assertThat(record.reason()).contains("lifetime");
        });
    }

    @Test
    void aSessionWithoutASignInTimeIsEnded() {
        MockHttpSession session = signedIn();
        session.removeAttribute(ConsoleSessions.SIGNED_IN_AT);
        ConsoleSessions sessions = sessionsAt(SIGNED_IN);

        assertThat(sessions.loadDeferredContext(request(session)).get().getAuthentication()).isNull();
    }

    @Test
    void bearerCallersAreNotConsoleSessions() {
        MockHttpSession session = new MockHttpSession();
        SecurityContext token = SecurityContextHolder.createEmptyContext();
        token.setAuthentication(new CallerAuthentication(new Caller("token:ci", ApiScope.ADMIN, "api-token")));
        session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, token);
        ConsoleSessions sessions = sessionsAt(SIGNED_IN.plus(LIFETIME));

        assertThat(sessions.loadDeferredContext(request(session)).get().getAuthentication()).isNotNull();
        assertThat(audited).isEmpty();
    }

    private static MockHttpSession signedIn() {
        MockHttpSession session = new MockHttpSession();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new CallerAuthentication(new Caller("alice", ApiScope.ADMIN, "password")));
        session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
        session.setAttribute(ConsoleSessions.SIGNED_IN_AT, SIGNED_IN);
        return session;
    }

    private static MockHttpServletRequest request(MockHttpSession session) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/users");
        request.setSession(session);
        return request;
    }

    private ConsoleSessions sessionsAt(Instant now) {
        return new ConsoleSessions(users, audited::add, Clock.fixed(now, ZoneOffset.UTC), LIFETIME);
    }
}
