package dev.gatehouse.controlplane.users;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.api.Names;
import dev.gatehouse.controlplane.audit.AdminChanges;
import dev.gatehouse.controlplane.audit.AdminChanges.Change;
import dev.gatehouse.controlplane.revocation.AccessChangeLog;
import dev.gatehouse.controlplane.roles.Role;
import dev.gatehouse.controlplane.roles.RoleStore;
import dev.gatehouse.controlplane.security.ApiScope;
import dev.gatehouse.controlplane.tokens.PersonTokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
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

/** {@code /api/v1/users}: people, their roles, and (for console users) their API scope and password. */
@RestController
@RequestMapping("/api/v1/users")
final class UserController {

    private final UserStore users;
    private final RoleStore roles;
    private final PasswordEncoder passwords;
    private final AdminChanges changes;
    private final AccessChangeLog accessChanges;
    private final PersonTokens tokens;

    UserController(UserStore users, RoleStore roles, PasswordEncoder passwords, AdminChanges changes,
            AccessChangeLog accessChanges, PersonTokens tokens) {
        this.users = Objects.requireNonNull(users, "users");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.accessChanges = Objects.requireNonNull(accessChanges, "accessChanges");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /**
     * A user as written by the API. {@code apiScope} ({@code admin}, {@code auditor}) lets the person use the console
     * and API with a password; {@code password} is write-only and left unchanged on PUT when absent.
     */
    record UserRequest(
            @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String username,
            @NotNull @Size(max = 64) List<@NotNull @Pattern(regexp = Names.NAME, message = Names.NAME_MESSAGE) String> roles,
            Boolean disabled,
            @Pattern(regexp = "admin|auditor", message = "must be admin or auditor") String apiScope,
            @Size(min = 12, max = 256, message = "must be 12 to 256 characters") String password) {}

    @PostMapping
    ResponseEntity<User> create(@Valid @RequestBody UserRequest request) {
        if (request.username() == null) {
            throw ApiException.invalid("username", "must not be null");
        }
        User user = toUser(request.username(), request);
        String hash = request.password() == null ? null : passwords.encode(request.password());
        User created = changes.apply("user.created", "user:" + user.username(), () -> {
            if (users.find(user.username()).isPresent()) {
                throw ApiException.conflict("username", "a user named '" + user.username() + "' exists");
            }
            users.insert(user, hash);
            return new Change<>(null, users.find(user.username()).orElseThrow());
        });
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{username}")
                .buildAndExpand(user.username()).toUri()).body(created);
    }

    @GetMapping
    List<User> list() {
        return users.list();
    }

    @GetMapping("/{username}")
    User get(@PathVariable String username) {
        return users.find(username).orElseThrow(() -> notFound(username));
    }

    /**
     * Replaces roles, disabled and scope. Disabling someone (or taking a role away) ends their live SSH sessions and
     * forwards whose access no longer holds within seconds; disabling also revokes the API tokens they made.
     */
    @PutMapping("/{username}")
    User replace(@PathVariable String username, @Valid @RequestBody UserRequest request) {
        if (request.username() != null && !request.username().equals(username)) {
            throw ApiException.invalid("username", "differs from the name in the path; users cannot be renamed");
        }
        User user = toUser(username, request);
        String hash = request.password() == null ? null : passwords.encode(request.password());
        return changes.apply("user.updated", "user:" + username, () -> {
            User before = users.findForUpdate(username).orElseThrow(() -> notFound(username));
            users.update(user, hash);
            if (user.disabled() && !before.disabled()) {
                accessChanges.record(username, "user disabled");
                tokens.revokeAll(username);
            } else if (!user.roles().containsAll(before.roles())) {
                accessChanges.record(username, "role removed");
            }
            return new Change<>(before, users.find(username).orElseThrow());
        });
    }

    @DeleteMapping("/{username}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String username) {
        changes.apply("user.deleted", "user:" + username, () -> {
            User before = users.findForUpdate(username).orElseThrow(() -> notFound(username));
            users.delete(username);
            accessChanges.record(username, "user deleted");
            tokens.revokeAll(username);
            return new Change<>(before, null);
        });
    }

    private User toUser(String username, UserRequest request) {
        Set<String> wanted = new LinkedHashSet<>(request.roles());
        Set<String> known = new LinkedHashSet<>(roles.findAll(wanted).stream().map(Role::name).toList());
        int index = 0;
        for (String role : request.roles()) {
            if (!known.contains(role)) {
                throw ApiException.invalid("roles[" + index + "]", "no role named '" + role + "'; create it first");
            }
            index++;
        }
        return new User(username, List.copyOf(wanted), Boolean.TRUE.equals(request.disabled()),
                request.apiScope() == null ? null : ApiScope.fromWireName(request.apiScope()),
                request.password() != null);
    }

    static ApiException notFound(String username) {
        return ApiException.notFound("no user named '" + username + "'");
    }
}
