package dev.gatehouse.controlplane.live;

import java.util.Optional;

/** Asks the bastion node holding a running session to relay it here (the control-plane role only). */
public interface RemoteWatch {

    /** The enrolled, unrevoked node that holds the running activity {@code activityId}, if one does. */
    Optional<String> holder(String activityId);

    /**
     * Asks {@code node} to relay {@code activityId} to this control plane (a node order; the node polls for it); returns
     * the order's id, which the node's relay sends with every batch.
     */
    long ask(String node, String activityId, String actor, String sourceAddress);
}
