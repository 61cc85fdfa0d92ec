package dev.gatehouse.controlplane.accessrequests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.controlplane.api.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The bounds on a request, who may decide it, and how long an approval grants its role. */
class AccessRequestRulesTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
    private final AccessRequestRules rules = new AccessRequestRules(480, 2);

    @Test
    void newRequestWithinBoundsThenReasonTrimmed() {
        assertThat(rules.checkNew("db-admin", "  INC-42 restore  ", 30, OptionalInt.of(60), List.of("dev"), 1))
                .isEqualTo("INC-42 restore");
    }

    @Test
    void minutesPastTheRolesLimitThenRefusedNamingTheLimit() {
        assertThatThrownBy(() -> rules.checkNew("db-admin", "why", 61, OptionalInt.of(60), List.of(), 0))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("minutes: between 1 and 60 for role db-admin");
                });
    }

    @Test
    void roleLimitPastTheGlobalCapThenGlobalCapHolds() {
        assertThat(rules.maxMinutesFor(OptionalInt.of(10_000))).isEqualTo(480);
        assertThat(rules.maxMinutesFor(OptionalInt.empty())).isEqualTo(480);
        assertThatThrownBy(() -> rules.checkNew("r", "why", 481, OptionalInt.of(10_000), List.of(), 0))
                .hasMessageContaining("between 1 and 480");
    }

    @Test
    void missingOrNonPositiveMinutesThenRefused() {
        for (Integer minutes : new Integer[] {null, 0, -5}) {
            assertThatThrownBy(() -> rules.checkNew("r", "why", minutes, OptionalInt.empty(), List.of(), 0))
                    .hasMessageStartingWith("minutes:");
        }
    }

    @Test
    void blankLongOrControlCharacterReasonThenRefused() {
        assertThatThrownBy(() -> rules.checkNew("r", " ", 5, OptionalInt.empty(), List.of(), 0))
                .hasMessageStartingWith("reason:");
        String tooLong = "x".repeat(AccessRequestRules.MAX_REASON_LENGTH + 1);
        assertThatThrownBy(() -> rules.checkNew("r", tooLong, 5, OptionalInt.empty(), List.of(), 0))
                .hasMessageStartingWith("reason: at most");
        assertThatThrownBy(() -> rules.checkNew("r", "a\u001b[2Jb", 5, OptionalInt.empty(), List.of(), 0))
                .hasMessageStartingWith("reason: control");
    }

    @Test
    void tooManyPendingThenConflict() {
        assertThatThrownBy(() -> rules.checkNew("r", "why", 5, OptionalInt.empty(), List.of(), 2))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT));
    }

    @Test
    void roleAlreadyHeldThenConflict() {
        assertThatThrownBy(() -> rules.checkNew("dev", "why", 5, OptionalInt.empty(), List.of("dev"), 0))
                .hasMessage("role: already held: dev");
    }

    @Test
    void deciderIsAdminOrNamedApproverButNeverTheRequester() {
        AccessRequest byAlice = pending("alice");
        assertThat(AccessRequestRules.mayDecide("root", true, List.of(), byAlice)).isTrue();
        assertThat(AccessRequestRules.mayDecide("bob", false, List.of("bob"), byAlice)).isTrue();
        assertThat(AccessRequestRules.mayDecide("carol", false, List.of("bob"), byAlice)).isFalse();
        assertThat(AccessRequestRules.mayDecide("alice", true, List.of("alice"), byAlice)).isFalse();
    }

    @Test
    void approvedThenGrantsForTheMinutesAskedAndNotAfter() {
        AccessRequest approved = AccessRequestRules.approve(pending("alice"), "root", T0);
        assertThat(approved.expiresAt()).isEqualTo(T0.plusSeconds(30 * 60));
        assertThat(approved.grants(T0.plusSeconds(30 * 60 - 1))).isTrue();
        assertThat(approved.grants(T0.plusSeconds(30 * 60))).isFalse();
        assertThatThrownBy(() -> AccessRequestRules.expire(approved, T0.plusSeconds(60)))
                .isInstanceOf(IllegalStateException.class);
        AccessRequest expired = AccessRequestRules.expire(approved, T0.plusSeconds(30 * 60));
        assertThat(expired.status()).isEqualTo(AccessRequest.Status.EXPIRED);
        assertThat(expired.grants(T0)).isFalse();
    }

    @Test
    void decidedRequestThenCannotBeDecidedAgain() {
        AccessRequest denied = AccessRequestRules.close(pending("alice"), AccessRequest.Status.DENIED, "root", T0);
        assertThat(denied.grants(T0)).isFalse();
        assertThatThrownBy(() -> AccessRequestRules.approve(denied, "root", T0))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.getMessage()).contains("is denied; only a pending one"));
    }

    private static AccessRequest pending(String username) {
        return new AccessRequest(UUID.randomUUID(), username, "db-admin", "why", 30, AccessRequest.Status.PENDING,
                null, null, null, T0);
    }
}
