package dev.gatehouse.controlplane.bastion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.recording.ForwardFlow;
import dev.gatehouse.sshproxy.events.Activity;
import dev.gatehouse.sshproxy.events.Denial;
import dev.gatehouse.sshproxy.events.SessionInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each meter moves with the listener event it counts (a meter missing or left at zero fails its assertion). */
class BastionMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BastionMeters meters = new BastionMeters(registry);
    private final SessionInfo session = new SessionInfo("s-1", "alice", "root", "web-01", "direct", "192.0.2.7:5000",
            Instant.now());
    private final Activity exec = new Activity("a-1", session, Activity.Kind.EXEC, "cat", null, 0, 0, Instant.now());

    @Test
    void aSessionIsCountedAsStartedAndLiveUntilItEnds() {
        meters.sessionStarted(session);
        assertThat(registry.get("gatehouse.ssh.sessions.started").counter().count()).isEqualTo(1);
        assertThat(registry.get("gatehouse.ssh.sessions.live").gauge().value()).isEqualTo(1);
        meters.sessionEnded(session, "closed");
        assertThat(registry.get("gatehouse.ssh.sessions.live").gauge().value()).isZero();
        assertThat(registry.get("gatehouse.ssh.sessions.started").counter().count()).isEqualTo(1);
    }

    @Test
    void bytesRelayedAreCountedEachWayForChannelsAndForwards() {
        meters.output(exec, new byte[100], 10, 40);
        meters.errorOutput(exec, new byte[10], 0, 2);
        meters.input(exec, new byte[7], 0, 7);
        meters.flow(exec, new ForwardFlow(ForwardFlow.DIRECT, "db:5432", "direct", "127.0.0.1", 1000, 5000,
                Duration.ofSeconds(1), "success"));
        assertThat(registry.get("gatehouse.ssh.relayed").tag("direction", "to_client").counter().count())
                .isEqualTo(40 + 2 + 5000);
        assertThat(registry.get("gatehouse.ssh.relayed").tag("direction", "to_target").counter().count())
                .isEqualTo(7 + 1000);
    }

    @Test
    void refusalsAreCountedByTheKindOfRequestNeverByFreeText() {
        meters.denied(null, new Denial("-", "192.0.2.7:1", "auth publickey", "unknown key"));
        meters.denied(null, new Denial("-", "192.0.2.7:1", "auth connect", "too many connections"));
        meters.denied(session, new Denial("alice", "192.0.2.7:1", "login root@web-01", "no role allows it"));
        meters.denied(null, new Denial("-", "192.0.2.7:1", "proxy-protocol header", "no header"));
        meters.denied(null, new Denial("-", "192.0.2.7:1", "Weird Request", "?"));
        for (String reason : new String[] {"auth", "connect", "login", "proxy-protocol", "other"}) {
            assertThat(registry.get("gatehouse.ssh.sessions.refused").tag("reason", reason).counter().count())
                    .as(reason).isEqualTo(1);
        }
    }

    @Test
    void setUpTimeIsRecordedFromTheConnectionsAuthenticationToItsSession() {
        meters.authenticated("alice", "192.0.2.7:5000", "SHA256:x");
        meters.authenticated("bob", "192.0.2.8:6000", "SHA256:y");
        meters.sessionStarted(session);
        assertThat(registry.get("gatehouse.ssh.session.setup").timer().count()).isEqualTo(1);
        assertThat(registry.get("gatehouse.ssh.session.setup").timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
    }
}
