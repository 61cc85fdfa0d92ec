package dev.gatehouse.controlplane.networks;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
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

/** {@code /api/v1/networks}: the private networks tunnel agents serve ({@code direct} always exists). */
@RestController
@RequestMapping("/api/v1/networks")
final class NetworkController {

    private final NetworkStore networks;
    private final AdminChanges changes;

    NetworkController(NetworkStore networks, AdminChanges changes) {
        this.networks = Objects.requireNonNull(networks, "networks");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    record NetworkRequest(
            @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String name,
            @Size(max = 1000, message = "must be at most 1000 characters")
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String description) {

        Network toNetwork(String networkName) {
            return new Network(networkName, description == null ? "" : description);
        }
    }

    @PostMapping
    ResponseEntity<Network> create(@Valid @RequestBody NetworkRequest request) {
        if (request.name() == null) {
            throw ApiException.invalid("name", "must not be null");
        }
        Network network = request.toNetwork(request.name());
        changes.apply("network.created", "network:" + network.name(), () -> {
            if (networks.find(network.name()).isPresent()) {
                throw ApiException.conflict("name", "a network named '" + network.name() + "' exists");
            }
            networks.insert(network);
            return new Change<>(null, network);
        });
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{name}")
                .buildAndExpand(network.name()).toUri()).body(network);
    }

    @GetMapping
    List<Network> list() {
        return networks.list();
    }

    @GetMapping("/{name}")
    Network get(@PathVariable String name) {
        return networks.find(name).orElseThrow(() -> notFound(name));
    }

    @PutMapping("/{name}")
    Network replace(@PathVariable String name, @Valid @RequestBody NetworkRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw ApiException.invalid("name", "differs from the name in the path; networks cannot be renamed");
        }
        Network network = request.toNetwork(name);
        return changes.apply("network.updated", "network:" + name, () -> {
            Network before = networks.find(name).orElseThrow(() -> notFound(name));
            networks.update(network);
            return new Change<>(before, network);
        });
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String name) {
        if (Network.DIRECT.equals(name)) {
            throw ApiException.conflict("the 'direct' network is built in and cannot be deleted");
        }
        changes.apply("network.deleted", "network:" + name, () -> {
            Network before = networks.find(name).orElseThrow(() -> notFound(name));
            if (networks.members(name) > 0) {
                throw ApiException.conflict("network '" + name + "' still has hosts or agents; move or delete them first");
            }
            networks.delete(name);
            return new Change<>(before, null);
        });
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no network named '" + name + "'");
    }
}
