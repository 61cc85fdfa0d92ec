package dev.gatehouse.controlplane.policy;

import java.util.List;

/** A host a person may open, with the logins they may use there (for the bastion's menu). */
public record ReachableHost(String host, String network, List<String> logins) {

    public ReachableHost {
        logins = List.copyOf(logins);
    }
}
