package dev.gatehouse.controlplane.accessrequests;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.audit.RequestOrigin;
import dev.gatehouse.controlplane.security.ApiScope;
import dev.gatehouse.controlplane.security.Caller;
import dev.gatehouse.controlplane.security.CallerAuthentication;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code /api/v1/access-requests}: a person asks for a role for a while; an admin or one of the role's approvers
 * approves or denies; the person may cancel while it waits. Open to every signed-in caller; who may do what is decided
 * per request by {@link AccessRequests}, and each refusal is audited.
 */
@RestController
@RequestMapping("/api/v1/access-requests")
final class AccessRequestController {

    private final AccessRequests requests;

    AccessRequestController(AccessRequests requests) {
        this.requests = Objects.requireNonNull(requests, "requests");
    }

    /** A new request: the role wanted, for how many minutes, and why. */
    record NewRequest(@Size(max = 63) String role, @Size(max = AccessRequestRules.MAX_REASON_LENGTH + 100) String reason,
            @NotNull Integer minutes) {}

    @PostMapping
    ResponseEntity<AccessRequest> create(@Valid @RequestBody NewRequest body, Authentication authentication) {
        AccessRequest created = requests.request(actor(authentication), body.role(), body.reason(), body.minutes());
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.id()).toUri()).body(created);
    }

    /**
     * {@code view=mine} (the default): the caller's own requests, newest first; {@code view=to-decide}: the requests
     * waiting that the caller may approve or deny, oldest first.
     */
    @GetMapping
    List<AccessRequest> list(@RequestParam(defaultValue = "mine") String view, Authentication authentication) {
        return switch (view) {
            case "mine" -> requests.mine(actor(authentication));
            case "to-decide" -> requests.toDecide(actor(authentication));
            default -> throw ApiException.invalid("view", "mine or to-decide");
        };
    }

    @GetMapping("/{id}")
    AccessRequest get(@PathVariable UUID id, Authentication authentication) {
        return requests.find(actor(authentication), scope(authentication) != null, id);
    }

    /** Grants the role from now for the minutes asked. */
    @PostMapping("/{id}/approve")
    AccessRequest approve(@PathVariable UUID id, Authentication authentication) {
        return requests.approve(actor(authentication), id);
    }

    @PostMapping("/{id}/deny")
    AccessRequest deny(@PathVariable UUID id, Authentication authentication) {
        return requests.deny(actor(authentication), id);
    }

    @PostMapping("/{id}/cancel")
    AccessRequest cancel(@PathVariable UUID id, Authentication authentication) {
        return requests.cancel(actor(authentication), id);
    }

    private static AccessRequests.Actor actor(Authentication authentication) {
        Caller caller = ((CallerAuthentication) authentication).caller();
        return new AccessRequests.Actor(caller.name(), caller.scope() == ApiScope.ADMIN, RequestOrigin.sourceAddress());
    }

    private static ApiScope scope(Authentication authentication) {
        return ((CallerAuthentication) authentication).caller().scope();
    }
}
