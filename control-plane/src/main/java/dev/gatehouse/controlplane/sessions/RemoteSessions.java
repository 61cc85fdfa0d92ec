package dev.gatehouse.controlplane.sessions;

/**
 * Sessions held by bastion nodes other than this process, reached through the control plane (its control-plane role
 * only; the all-in-one holds every session itself).
 */
public interface RemoteSessions {

    /** What came of a terminate sent to a node. */
    enum Outcome {
        /** The node ended the session. */
        ENDED,
        /** The node holds no such live session. */
        NOT_LIVE,
        /** The node has not answered yet; it gets the order on its next poll. */
        QUEUED
    }

    /**
     * Asks {@code node} to end the session recorded as {@code sessionId}, telling its user {@code reason}; waits a few
     * seconds for the node's answer. The node's end of it is audited as {@code session.terminated} by {@code actor}.
     */
    Outcome terminate(String node, String sessionId, String reason, String actor, String sourceAddress);

    /** Whether a node's last heartbeat listed the gateway session {@code gatewaySessionId} as kept for re-attach. */
    boolean isDetached(String node, String gatewaySessionId);
}
