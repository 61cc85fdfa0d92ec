package dev.gatehouse.controlplane.hosts;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.networks.NetworkStore;
import dev.gatehouse.controlplane.policy.Labels;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code /api/v1/hosts}: the targets people reach, their labels, network and pinned host key. */
@RestController
@RequestMapping("/api/v1/hosts")
final class HostController {

    private final HostStore hosts;
    private final NetworkStore networks;
    private final AdminChanges changes;

    HostController(HostStore hosts, NetworkStore networks, AdminChanges changes) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.networks = Objects.requireNonNull(networks, "networks");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /**
     * A host as written by the API. {@code network} defaults to {@code direct}. {@code hostKey} (OpenSSH public key
     * line) pins the key now; when absent on PUT the pinned key is kept.
     */
    record HostRequest(
            @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String name,
            @NotNull @Size(max = 300, message = "must be at most 300 characters") String address,
            Map<String, String> labels,
            @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String network,
            @Size(max = 16384, message = "must be at most 16384 characters") String hostKey) {}

    record HostKeyRequest(@NotNull @Size(max = 16384, message = "must be at most 16384 characters") String hostKey) {}

    @PostMapping
    ResponseEntity<Host> create(@Valid @RequestBody HostRequest request) {
        if (request.name() == null) {
            throw ApiException.invalid("name", "must not be null");
        }
        Host host = toHost(request.name(), request, null);
        changes.apply("host.created", "host:" + host.name(), () -> {
            if (hosts.find(host.name()).isPresent()) {
                throw ApiException.conflict("name", "a host named '" + host.name() + "' exists");
            }
            hosts.insert(host);
            return new Change<>(null, host);
        });
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{name}")
                .buildAndExpand(host.name()).toUri()).body(host);
    }

    @GetMapping
    List<Host> list(@RequestParam(required = false) String network) {
        return hosts.list(network);
    }

    @GetMapping("/{name}")
    Host get(@PathVariable String name) {
        return hosts.find(name).orElseThrow(() -> notFound(name));
    }

    @PutMapping("/{name}")
    Host replace(@PathVariable String name, @Valid @RequestBody HostRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw ApiException.invalid("name", "differs from the name in the path; hosts cannot be renamed");
        }
        return changes.apply("host.updated", "host:" + name, () -> {
            Host before = hosts.findForUpdate(name).orElseThrow(() -> notFound(name));
            Host after = toHost(name, request, before);
            hosts.update(after);
            return new Change<>(before, after);
        });
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String name) {
        changes.apply("host.deleted", "host:" + name, () -> {
            Host before = hosts.findForUpdate(name).orElseThrow(() -> notFound(name));
            hosts.delete(name);
            return new Change<>(before, null);
        });
    }

    /** Pins the host key an admin checked out of band. */
    @PutMapping("/{name}/host-key")
    Host pinHostKey(@PathVariable String name, @Valid @RequestBody HostKeyRequest request) {
        String key = HostKeys.normalise("hostKey", request.hostKey());
        return changes.apply("host.host-key-pinned", "host:" + name, () -> {
            Host before = hosts.findForUpdate(name).orElseThrow(() -> notFound(name));
            Host after = before.withHostKey(key, "admin");
            hosts.update(after);
            return new Change<>(before, after);
        });
    }

    /** Forgets the pinned key (after a host was rebuilt): the next successful contact pins the new one. */
    @DeleteMapping("/{name}/host-key")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unpinHostKey(@PathVariable String name) {
        changes.apply("host.host-key-unpinned", "host:" + name, () -> {
            Host before = hosts.findForUpdate(name).orElseThrow(() -> notFound(name));
            hosts.update(before.withHostKey(null, null));
            return new Change<>(before, hosts.find(name).orElseThrow());
        });
    }

    private Host toHost(String name, HostRequest request, Host before) {
        HostAddresses.parse("address", request.address());
        Map<String, String> labels = request.labels() == null ? Map.of() : request.labels();
        Labels.requireValidLabels("labels", labels);
        String network = request.network() == null ? "direct" : request.network();
        if (networks.find(network).isEmpty()) {
            throw ApiException.invalid("network", "no network named '" + network + "'; create it first or use 'direct'");
        }
        if (request.hostKey() != null) {
            return new Host(name, request.address(), labels, network, HostKeys.normalise("hostKey", request.hostKey()),
                    "admin");
        }
        return new Host(name, request.address(), labels, network, before == null ? null : before.hostKey(),
                before == null ? null : before.hostKeySource());
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no host named '" + name + "'");
    }
}
