package dev.gatehouse.controlplane.hosts;

import dev.gatehouse.controlplane.audit.AuditRecord;
import dev.gatehouse.controlplane.audit.ControlPlaneAudit;
import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Trust on first use, then enforcement: the bastion calls {@link #verify} with the key a target presented. The first
 * key seen is pinned (unless an admin pinned one); any other key afterwards is refused and recorded.
 */
@Component
public final class HostKeyPinning {

    private final HostStore hosts;
    private final ControlPlaneAudit trail;
    private final TransactionTemplate transactions;

    public HostKeyPinning(HostStore hosts, ControlPlaneAudit trail, TransactionTemplate transactions) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /** What became of a presented host key. */
    public enum Outcome { MATCHED, LEARNED, MISMATCHED, UNKNOWN_HOST }

    /** The outcome, with the pinned key (null for an unknown host) and the presented one, as OpenSSH lines. */
    public record Verdict(Outcome outcome, String pinnedKey, String presentedKey) {

        public boolean trusted() {
            return outcome == Outcome.MATCHED || outcome == Outcome.LEARNED;
        }
    }

    /** Checks {@code presented} against the pin of host {@code hostName}, pinning it if none exists yet. */
    public Verdict verify(String hostName, PublicKey presented) {
        String key = HostKeys.of(Objects.requireNonNull(presented, "presented"));
        return transactions.execute(status -> {
            Host host = hosts.findForUpdate(hostName).orElse(null);
            if (host == null) {
                return new Verdict(Outcome.UNKNOWN_HOST, null, key);
            }
            if (host.hostKey() == null) {
                hosts.pinIfUnpinned(hostName, key);
                trail.record(new AuditRecord("host.host-key-learned", "system", "host:" + hostName, null,
                        Map.of("hostKey", key), null, "success", null));
                return new Verdict(Outcome.LEARNED, key, key);
            }
            if (host.hostKey().equals(key)) {
                return new Verdict(Outcome.MATCHED, key, key);
            }
            trail.record(new AuditRecord("host.host-key-mismatch", "system", "host:" + hostName,
                    Map.of("hostKey", host.hostKey()), Map.of("hostKey", key), null, "denied",
                    "the host presented a key other than the pinned one"));
            return new Verdict(Outcome.MISMATCHED, host.hostKey(), key);
        });
    }
}
