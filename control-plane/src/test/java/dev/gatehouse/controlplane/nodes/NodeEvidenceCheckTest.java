package dev.gatehouse.controlplane.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.recording.Evidence;
import dev.gatehouse.audit.recording.SessionEnd;
import dev.gatehouse.audit.recording.SessionStart;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A bastion node hands in evidence of its own sessions and ssh.* events, nothing in another node's or an admin's name. */
class NodeEvidenceCheckTest {

    /** Sessions already stored: s-a opened by node-a, s-b by node-b. */
    private final NodeEvidenceCheck check = new NodeEvidenceCheck(
            session -> Optional.ofNullable(Map.of("s-a", "node-a", "s-b", "node-b").get(session)));

    @Test
    void aNodesOwnSessionsAndSshEventsAreAccepted() {
        List<Evidence> batch = List.of(
                new Evidence.Opened(SessionStart.shell("s-new", "alice", "root", "web", 80, 24), "node-a"),
                new Evidence.Chunk("s-new", 0, new byte[] {1}, "x"),
                new Evidence.Command("s-a", 1, 10, "ls", "typed", false),
                new Evidence.Closed("s-a", SessionEnd.exited(0), "ended", 1, 1),
                new Evidence.Interrupted("node-a"),
                new Evidence.NodeEvent("d-1", AuditEvent.builder("ssh.login").actor("alice").success().build()));

        assertThat(check.refusal("node-a", batch)).isNull();
    }

    @Test
    void addingToAnotherNodesSessionIsRefused() {
        assertThat(check.refusal("node-a", List.of(new Evidence.Chunk("s-b", 3, new byte[] {1}, "forged"))))
                .isEqualTo("it adds to session s-b, which this node did not open");
        assertThat(check.refusal("node-a", List.of(new Evidence.Closed("s-unknown", SessionEnd.exited(0), "ended", 0,
                0)))).contains("s-unknown, which this node did not open");
    }

    @Test
    void openingInAnotherNodesNameOrInterruptingItsSessionsIsRefused() {
        assertThat(check.refusal("node-a", List.of(
                new Evidence.Opened(SessionStart.shell("s-x", "alice", "root", "web", 80, 24), "node-b"))))
                .isEqualTo("it opens session s-x as recorder node-b");
        assertThat(check.refusal("node-a", List.of(new Evidence.Interrupted("node-b"))))
                .isEqualTo("it marks the sessions of recorder node-b interrupted");
    }

    @Test
    void anEventThatIsNotTheBastionsIsRefused() {
        AuditEvent adminChange = AuditEvent.builder("user.deleted").actor("token:bootstrap").target("user:bob")
                .success().build();

        assertThat(check.refusal("node-a", List.of(new Evidence.NodeEvent("d-2", adminChange))))
                .isEqualTo("it holds an event of type user.deleted (a node sends ssh.* events only)");
    }
}
