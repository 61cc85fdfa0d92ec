package dev.gatehouse.controlplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.controlplane.AccessFixture;
import dev.gatehouse.controlplane.GatehouseTestApplication;
import dev.gatehouse.controlplane.jointokens.JoinTokens;
import dev.gatehouse.controlplane.keys.KeyOwners;
import dev.gatehouse.controlplane.policy.PolicyEngine;
import dev.gatehouse.pki.ssh.SshPublicKey;
import dev.gatehouse.testkit.SshKeys;
import java.nio.file.Path;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** What the bastion calls in-process, against data made through the API: key owners, policy, host keys, join tokens. */
class BastionFacingServicesIT extends GatehouseTestApplication {

    @Autowired
    HostKeyPinning pinning;
    @Autowired
    KeyOwners owners;
    @Autowired
    PolicyEngine policy;
    @Autowired
    JoinTokens joinTokens;

    @TempDir
    Path keys;

    @Test
    void firstHostKeyIsLearnedThenEnforced() {
        String host = new AccessFixture(api, ADMIN).host("pinned").address("10.1.1.1:22").create();
        PublicKey first = key();
        PublicKey other = key();

        assertThat(pinning.verify(host, first).outcome()).isEqualTo(HostKeyPinning.Outcome.LEARNED);
        assertThat(pinning.verify(host, first).outcome()).isEqualTo(HostKeyPinning.Outcome.MATCHED);
        HostKeyPinning.Verdict mismatch = pinning.verify(host, other);
        assertThat(mismatch.outcome()).isEqualTo(HostKeyPinning.Outcome.MISMATCHED);
        assertThat(mismatch.trusted()).isFalse();
        assertThat(api.get("/api/v1/hosts/" + host, ADMIN).body()).contains("\"hostKeySource\":\"learned\"");
        assertThat(api.get("/api/v1/audit/events?type=host.host-key-mismatch&target=host:" + host, ADMIN).body())
                .contains("\"outcome\":\"denied\"");
        assertThat(pinning.verify(unique("unknown"), first).outcome()).isEqualTo(HostKeyPinning.Outcome.UNKNOWN_HOST);
    }

    @Test
    void adminPinnedKeyIsEnforcedFromTheStartAndUnpinningAllowsRelearning() {
        String line = SshKeys.ed25519(keys).publicKeyLine();
        String host = new AccessFixture(api, ADMIN).host("admin-pinned").address("10.1.1.2:22").hostKey(line).create();

        assertThat(pinning.verify(host, key()).outcome()).isEqualTo(HostKeyPinning.Outcome.MISMATCHED);
        assertThat(pinning.verify(host, SshPublicKey.parse(line).key()).outcome()).isEqualTo(HostKeyPinning.Outcome.MATCHED);

        api.delete("/api/v1/hosts/" + host + "/host-key", ADMIN);
        assertThat(pinning.verify(host, key()).outcome()).isEqualTo(HostKeyPinning.Outcome.LEARNED);
    }

    @Test
    void keyOwnerAndPolicyAnswerForAPersonMadeThroughTheApi() {
        String team = unique("p");
        AccessFixture access = new AccessFixture(api, ADMIN);
        String role = access.role("r").logins("root").hostLabel("team", team).create();
        String line = SshKeys.ed25519(keys).publicKeyLine();
        String user = access.person("u").roles(role).key(line).create();
        String host = access.host("h").address("10.1.1.3:22").label("team", team).create();

        assertThat(owners.ownerOf(SshPublicKey.parse(line).key())).get().extracting(u -> u.username())
                .isEqualTo(user);
        assertThat(owners.ownerOf(key())).isEmpty();
        assertThat(policy.mayLogin(user, "root", host).allowed()).isTrue();
        assertThat(policy.reachableHosts(user)).extracting(h -> h.host()).containsExactly(host);

        api.put("/api/v1/users/" + user, ADMIN, "{\"roles\":[\"" + role + "\"],\"disabled\":true}");
        assertThat(policy.mayLogin(user, "root", host).reason()).contains("disabled");
    }

    @Test
    void joinTokenWorksOnceForItsNetwork() {
        String network = unique("agents");
        api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\"}");
        String token = api.post("/api/v1/join-tokens", ADMIN, "{\"network\":\"" + network + "\",\"ttlSeconds\":600}")
                .json().get("token").asString();

        assertThat(joinTokens.redeem(token, "agent-1", "127.0.0.1")).contains(network);
        assertThat(joinTokens.redeem(token, "agent-2", "127.0.0.1")).isEmpty();
        assertThat(joinTokens.redeem("gh_join_forged", "agent-3", "127.0.0.1")).isEmpty();
    }

    @Test
    void revokedJoinTokenIsRefused() {
        String network = unique("revoked");
        api.post("/api/v1/networks", ADMIN, "{\"name\":\"" + network + "\"}");
        var created = api.post("/api/v1/join-tokens", ADMIN, "{\"network\":\"" + network + "\",\"ttlSeconds\":600}").json();

        api.delete("/api/v1/join-tokens/" + created.get("id").asString(), ADMIN);

        assertThat(joinTokens.redeem(created.get("token").asString(), "agent-1", "127.0.0.1")).isEmpty();
    }

    private PublicKey key() {
        return SshPublicKey.parse(SshKeys.ed25519(keys).publicKeyLine()).key();
    }
}
