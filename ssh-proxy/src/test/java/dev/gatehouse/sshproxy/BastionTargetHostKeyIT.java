package dev.gatehouse.sshproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.sshproxy.access.HostAndPort;
import dev.gatehouse.sshproxy.fixture.AgainstOneTarget;
import dev.gatehouse.sshproxy.fixture.SshRun.Result;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;

/** How the bastion trusts a target's host key: pinned, learned on first contact, never a key the store refused. */
class BastionTargetHostKeyIT extends AgainstOneTarget {

    @Test
    void firstContactFailsClosedWhenAConcurrentFirstContactPinnedAnotherKey() throws Exception {
        // The login decision saw no pin; by the time the key is learned, another contact has pinned a different one.
        gw.decider.host("race-01", new HostAndPort("127.0.0.1", gw.target.port())).grant("alice", "race-01", "root")
                .pinMeanwhile("race-01", gw.alice.key().publicKey());

        Result result = gw.alice.ssh(gw.direct("root", "race-01", "echo connected"));

        assertThat(result.out()).doesNotContain("connected");
        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("host key of race-01 (" + KeyUtils.getFingerPrint(gw.target.hostKey())
                + ") was not accepted as its first key");
        assertThat(gw.decider.pinnedKey("race-01")).hasValueSatisfying(
                pinned -> assertThat(KeyUtils.compareKeys(pinned, gw.target.hostKey())).isFalse());
    }

    @Test
    void firstContactLearnsTheKeyAndConnects() throws Exception {
        gw.decider.host("fresh-01", new HostAndPort("127.0.0.1", gw.target.port())).grant("alice", "fresh-01", "root");

        Result result = gw.alice.ssh(gw.direct("root", "fresh-01", "echo connected"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(gw.decider.pinnedKey("fresh-01")).hasValueSatisfying(
                pinned -> assertThat(KeyUtils.compareKeys(pinned, gw.target.hostKey())).isTrue());
    }
}
