package dev.gatehouse.controlplane.roles;

import dev.gatehouse.controlplane.accessrequests.AccessRequestStore;
import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.policy.Destinations;
import dev.gatehouse.controlplane.policy.Labels;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.users.UserStore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code /api/v1/roles}: what people may reach. */
@RestController
@RequestMapping("/api/v1/roles")
final class RoleController {

    static final int DEFAULT_MAX_SESSION_SECONDS = 8 * 3600;
    /** A day: a detached shell holds a target login and its output ring, so its wait is bounded. */
    static final int MAX_DETACHED_SECONDS = 24 * 3600;

    private final RoleStore roles;
    private final UserStore users;
    private final AdminChanges changes;
    private final AccessChangeLog accessChanges;
    private final AccessRequestStore requests;
    private final Clock clock;

    RoleController(RoleStore roles, UserStore users, AdminChanges changes, AccessChangeLog accessChanges,
            AccessRequestStore requests, Clock clock) {
        this.roles = Objects.requireNonNull(roles, "roles");
        this.users = Objects.requireNonNull(users, "users");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.accessChanges = Objects.requireNonNull(accessChanges, "accessChanges");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A role as written by the API; {@code name} is taken from the path on PUT. */
    record RoleRequest(
            @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String name,
            @NotNull @Size(max = 64) List<@NotNull @Pattern(regexp = Names.LOGIN, message = Names.LOGIN_MESSAGE) String> logins,
            @NotNull Map<String, String> hostLabels,
            @Size(max = 256) List<@NotNull String> forwardDestinations,
            @Min(60) @Max(7 * 24 * 3600) Integer maxSessionSeconds,
            Boolean allowRemoteForwarding,
            Boolean allowAgentForwarding,
            Boolean portForwarding,
            @Min(0) @Max(MAX_DETACHED_SECONDS) Integer detachedSeconds,
            @Size(max = 32) List<@NotNull @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String> approvers,
            @Min(1) @Max(7 * 24 * 60) Integer maxRequestMinutes,

            Boolean requireSso,
            Boolean requireApproval) {

        Role toRole(String roleName) {
            Labels.requireValidSelector("hostLabels", hostLabels);
            List<String> destinations = forwardDestinations == null ? List.of() : forwardDestinations;
            for (int i = 0; i < destinations.size(); i++) {
                Destinations.requireValidPattern("forwardDestinations[" + i + "]", destinations.get(i));
            }
            return new Role(roleName, logins, hostLabels, destinations,
                    maxSessionSeconds == null ? DEFAULT_MAX_SESSION_SECONDS : maxSessionSeconds,
                    Boolean.TRUE.equals(allowRemoteForwarding), Boolean.TRUE.equals(allowAgentForwarding),
                    Boolean.TRUE.equals(portForwarding),
                    detachedSeconds == null ? Role.DEFAULT_DETACHED_SECONDS : detachedSeconds,
                    approvers == null ? List.of() : approvers, maxRequestMinutes,
                    Boolean.TRUE.equals(requireSso), Boolean.TRUE.equals(requireApproval));
        }
    }

    @PostMapping
    ResponseEntity<Role> create(@Valid @RequestBody RoleRequest request) {
        if (request.name() == null) {
            throw ApiException.invalid("name", "must not be null");
        }
        Role role = request.toRole(request.name());
        Role created = changes.apply("role.created", "role:" + role.name(), () -> {
            if (roles.find(role.name()).isPresent()) {
                throw ApiException.conflict("name", "a role named '" + role.name() + "' exists");
            }
            roles.insert(role);
            return new Change<>(null, role);
        });
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{name}")
                .buildAndExpand(role.name()).toUri()).body(created);
    }

    @GetMapping
    List<Role> list() {
        return roles.list();
    }

    @GetMapping("/{name}")
    Role get(@PathVariable String name) {
        return roles.find(name).orElseThrow(() -> notFound(name));
    }

    /**
     * Replaces the role's grants; the change applies to the next decision the policy engine makes, and live sessions
     * of the role's holders that it no longer allows end within seconds.
     */
    @PutMapping("/{name}")
    Role replace(@PathVariable String name, @Valid @RequestBody RoleRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw ApiException.invalid("name", "differs from the name in the path; roles cannot be renamed");
        }
        Role role = request.toRole(name);
        return changes.apply("role.updated", "role:" + name, () -> {
            Role before = roles.find(name).orElseThrow(() -> notFound(name));
            roles.update(role);
            // People holding it for a while through an access request are affected as much as its permanent holders.
            java.util.Set<String> holders = new java.util.TreeSet<>(users.usernamesWithRole(name));
            holders.addAll(requests.holders(name, clock.instant()));
            accessChanges.record(holders, "role " + name + " changed");
            return new Change<>(before, role);
        });
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String name) {
        changes.apply("role.deleted", "role:" + name, () -> {
            Role before = roles.find(name).orElseThrow(() -> notFound(name));
            List<String> holders = users.usernamesWithRole(name);
            if (!holders.isEmpty()) {
                throw ApiException.conflict("role '" + name + "' is still granted to " + holders.size()
                        + " user(s), e.g. " + holders.subList(0, Math.min(5, holders.size())) + "; remove it from them first");
            }
            roles.delete(name);
            return new Change<>(before, null);
        });
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no role named '" + name + "'");
    }
}
