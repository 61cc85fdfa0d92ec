package dev.gatehouse.controlplane.sshapprovals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.ApprovalRequest;
import dev.gatehouse.sshproxy.access.Decision;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.testkit.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingApprovalsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<PendingApprovals.Pending> expired = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void anUnansweredApprovalExpiresDeniedAndIsGone() throws Exception {
        PendingApprovals approvals = new PendingApprovals(Clock.systemUTC(), timer, Duration.ofMillis(300), 3, 10);
        PendingApprovals.Pending pending = open(approvals, "198.51.100.7:1000");

        Decision<GatewayUser> outcome = pending.outcome().get(5, TimeUnit.SECONDS);
        assertThat(outcome).isEqualTo(Decision.deny("not approved within 0 s"));
        // The expiry listener is told after the outcome completes, on the timer's thread.
        Await.until("the expiry reported", Duration.ofSeconds(5), () -> !expired.isEmpty());
        assertThat(expired).containsExactly(pending);
        assertThat(approvals.find(pending.code())).isEmpty();
    }

    @Test
    void aCodeIsClaimedOnceAndThenNeitherFoundNorExpired() throws Exception {
        PendingApprovals approvals = new PendingApprovals(Clock.systemUTC(), timer, Duration.ofMillis(300), 3, 10);
        PendingApprovals.Pending pending = open(approvals, "198.51.100.7:1000");

        assertThat(approvals.claim(pending.code())).contains(pending);
        assertThat(approvals.claim(pending.code())).isEmpty();
        Thread.sleep(600);
        assertThat(expired).as("a claimed approval does not expire").isEmpty();
        assertThat(pending.outcome()).isNotDone();
    }

    @Test
    void waitingLoginsAreBoundedPerAddressAndInAll() {
        PendingApprovals approvals = new PendingApprovals(Clock.systemUTC(), timer, Duration.ofMinutes(2), 2, 3);
        open(approvals, "198.51.100.7:1000");
        open(approvals, "198.51.100.7:1001");
        assertThat(approvals.open(request("198.51.100.7:1002"), expired::add))
                .isEqualTo(Decision.deny("too many logins from 198.51.100.7 are waiting for approval"));
        open(approvals, "[2001:db8::1]:1000");
        assertThat(approvals.open(request("203.0.113.9:1000"), expired::add))
                .isEqualTo(Decision.deny("too many logins are waiting for approval; try again in a minute"));
        assertThat(approvals.size()).isEqualTo(3);
    }

    @Test
    void codesAreShortAndDistinct() {
        PendingApprovals approvals = new PendingApprovals(Clock.systemUTC(), timer, Duration.ofMinutes(2), 1000, 1000);
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String code = open(approvals, "198.51.100.7:" + i).code();
            assertThat(code).matches(SshApprovalController.CODE);
            codes.add(code);
        }
        assertThat(codes).hasSize(500);
    }

    @Test
    void theAddressOfASourceDropsItsPort() {
        assertThat(PendingApprovals.address("198.51.100.7:22")).isEqualTo("198.51.100.7");
        assertThat(PendingApprovals.address("[2001:db8::1]:22")).isEqualTo("2001:db8::1");
        assertThat(PendingApprovals.address("unix-socket")).isEqualTo("unix-socket");
    }

    private PendingApprovals.Pending open(PendingApprovals approvals, String source) {
        Decision<PendingApprovals.Pending> opened = approvals.open(request(source), expired::add);
        assertThat(opened).isInstanceOf(Decision.Allowed.class);
        return ((Decision.Allowed<PendingApprovals.Pending>) opened).value();
    }

    private static ApprovalRequest request(String source) {
        return new ApprovalRequest("alice", "root@web-01", source, "SSH-2.0-OpenSSH_9.2", false);
    }
}
