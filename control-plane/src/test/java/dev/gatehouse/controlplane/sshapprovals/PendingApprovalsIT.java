package dev.gatehouse.controlplane.sshapprovals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.testkit.SettableClock;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pending approvals in PostgreSQL. Each test's clock starts years ahead and apart, so the counts see only that
 * test's approvals, not those other tests of this context left; each test deletes its own afterwards (they would
 * count as waiting for the other tests, whose clock is now).
 */
class PendingApprovalsIT extends GatehouseTestApplication {

    private static final Duration TTL = Duration.ofMinutes(2);
    private static long years = 100;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    private final SettableClock clock = new SettableClock(Instant.now().plus(Duration.ofDays(365 * ++years)));

    @AfterEach
    void deleteThisTestsApprovals() {
        jdbc.sql("DELETE FROM ssh_approvals WHERE requested_at > ?").param(Timestamp.from(Instant.now()
                .plus(Duration.ofDays(365)))).update();
    }

    @Test
    void anUnansweredApprovalExpiresOnceAndIsNoLongerFound() {
        PendingApprovals approvals = approvals(3, 3, 10);
        PendingApprovals.Opened opened = open(approvals, "alice", "198.51.100.7:1000");
        assertThat(approvals.find(opened.code())).contains(opened.pending());
        assertThat(approvals.expire("late")).as("not yet").isEmpty();

        clock.advance(TTL);
        assertThat(approvals.find(opened.code())).as("past its expiry, before the sweep").isEmpty();
        assertThat(approvals.expire("late")).filteredOn(row -> row.pending().key().equals(opened.pending().key()))
                .singleElement().satisfies(row -> {
                    assertThat(row.state()).isEqualTo(PendingApprovals.State.EXPIRED);
                    assertThat(row.reason()).isEqualTo("late");
                });
        assertThat(approvals.expire("late")).as("a second sweep (another control plane) finds nothing").isEmpty();
        assertThat(approvals.end(opened.code(), PendingApprovals.State.APPROVED, "alice", null, true)).isEmpty();
    }

    @Test
    void aCodeIsAnsweredOnceAndThenNeitherFoundNorExpired() {
        PendingApprovals approvals = approvals(3, 3, 10);
        PendingApprovals.Opened opened = open(approvals, "alice", "198.51.100.7:1000");

        assertThat(approvals.end(opened.code(), PendingApprovals.State.APPROVED, "alice", null, true)).isPresent();
        assertThat(approvals.end(opened.code(), PendingApprovals.State.DENIED, "alice", "no", true)).isEmpty();
        assertThat(approvals.find(opened.code())).isEmpty();
        assertThat(approvals.row(opened.pending().key())).get().extracting(PendingApprovals.Row::state)
                .isEqualTo(PendingApprovals.State.APPROVED);
        clock.advance(TTL);
        assertThat(approvals.expire("late")).as("an answered approval does not expire")
                .noneMatch(row -> row.pending().key().equals(opened.pending().key()));
    }

    @Test
    void waitingLoginsAreBoundedPerAddressPerPersonAndInAll() {
        PendingApprovals approvals = approvals(2, 2, 4);
        open(approvals, "alice", "198.51.100.7:1000");
        open(approvals, "bob", "198.51.100.7:1001");
        assertThat(approvals.open(request("carol", "198.51.100.7:1002"), null))
                .isEqualTo(Decision.deny("too many logins from 198.51.100.7 are waiting for approval"));
        open(approvals, "alice", "203.0.113.1:1000");
        assertThat(approvals.open(request("alice", "203.0.113.2:1000"), null)).as("many addresses, one person")
                .isEqualTo(Decision.deny("too many logins of alice are waiting for approval"));
        open(approvals, "bob", "[2001:db8::1]:1000");
        assertThat(approvals.open(request("carol", "203.0.113.9:1000"), null))
                .isEqualTo(Decision.deny("too many logins are waiting for approval; try again in a minute"));
        clock.advance(TTL);
        open(approvals, "carol", "203.0.113.9:1000");
    }

    @Test
    void codesAreShortDistinctAndStoredOnlyAsTheirHash() {
        PendingApprovals approvals = approvals(1000, 1000, 1000);
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String code = open(approvals, "alice", "198.51.100.7:" + i).code();
            assertThat(code).matches(SshApprovalController.CODE);
            codes.add(code);
        }
        assertThat(codes).hasSize(200);
        String code = codes.iterator().next();
        assertThat(jdbc.sql("SELECT count(*) FROM ssh_approvals WHERE code_hash = sha256(convert_to(?, 'UTF8'))")
                .param(code).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM ssh_approvals WHERE position(? IN ssh_approvals::text) > 0")
                .param(code).query(Long.class).single()).as("the code itself is in no column").isZero();
    }

    @Test
    void theAddressOfASourceDropsItsPort() {
        assertThat(PendingApprovals.address("198.51.100.7:22")).isEqualTo("198.51.100.7");
        assertThat(PendingApprovals.address("[2001:db8::1]:22")).isEqualTo("2001:db8::1");
        assertThat(PendingApprovals.address("unix-socket")).isEqualTo("unix-socket");
    }

    private PendingApprovals approvals(int perAddress, int perPerson, int total) {
        return new PendingApprovals(jdbc, transactions, clock, new PendingApprovals.Limits(TTL, perAddress, perPerson,
                total));
    }

    private static PendingApprovals.Opened open(PendingApprovals approvals, String person, String source) {
        Decision<PendingApprovals.Opened> opened = approvals.open(request(person, source), null);
        assertThat(opened).isInstanceOf(Decision.Allowed.class);
        return ((Decision.Allowed<PendingApprovals.Opened>) opened).value();
    }

    private static ApprovalRequest request(String person, String source) {
        return new ApprovalRequest(person, "root@web-01", source, "SSH-2.0-OpenSSH_9.2", false);
    }
}
