package dev.gatehouse.controlplane.audit;

import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.TimeParameter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/audit/events}: the audit trail, newest first, filtered by type, actor, target and time
 * ({@code from} inclusive, {@code to} exclusive, ISO-8601). Page with {@code cursor} = the previous page's
 * {@code nextCursor}.
 */
@RestController
@RequestMapping("/api/v1/audit/events")
final class AuditEventController {

    private final PostgresAuditStore store;

    AuditEventController(PostgresAuditStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** One event as the API shows it. */
    record EventView(long id, String type, Instant time, String actor, String sourceAddress, String target,
            String outcome, String sessionId, Map<String, Object> details, String hash) {

        static EventView of(StoredAuditEvent stored) {
            var e = stored.event();
            return new EventView(stored.id(), e.type(), e.time(), e.actor(), e.sourceAddress(), e.target(), e.outcome(),
                    e.sessionId(), e.details(), stored.hashHex());
        }
    }

    record EventPage(List<EventView> events, String nextCursor) {}

    @GetMapping
    EventPage search(@RequestParam(required = false) String type, @RequestParam(required = false) String actor,
            @RequestParam(required = false) String target, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > AuditEventQuery.MAX_LIMIT) {
            throw ApiException.invalid("limit", "must be 1 to " + AuditEventQuery.MAX_LIMIT);
        }
        Instant fromTime = TimeParameter.parse("from", from);
        Instant toTime = TimeParameter.parse("to", to);
        if (fromTime != null && toTime != null && toTime.isBefore(fromTime)) {
            throw ApiException.invalid("to", "is before 'from'");
        }
        AuditEventQuery query = AuditEventQuery.builder().type(type).actor(actor).target(target).from(fromTime)
                .to(toTime).limit(limit).afterId(cursor(cursor)).newestFirst(true).build();
        List<EventView> events = store.search(query).stream().map(EventView::of).toList();
        String next = events.size() == limit ? Long.toString(events.getLast().id()) : null;
        return new EventPage(events, next);
    }

    private static Long cursor(String value) {
        if (value == null) {
            return null;
        }
        try {
            long id = Long.parseLong(value);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("cursor", "must be the nextCursor of a previous page");
        }
    }
}
