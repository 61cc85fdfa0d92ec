package dev.gatehouse.controlplane.sshapprovals;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.controlplane.security.Caller;
import dev.gatehouse.controlplane.security.CallerAuthentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Objects;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/ssh-approvals/{code}}: the person an SSH login waits for sees what is asking and approves or denies
 * it. Open to any signed-in person (no API scope needed); only the person the login is for gets an answer.
 */
@RestController
@RequestMapping("/api/v1/ssh-approvals")
final class SshApprovalController {

    /** What a code looks like; anything else is not one. */
    static final String CODE = "[A-Z0-9]{4}-[A-Z0-9]{4}";

    private final SshApprovals approvals;

    SshApprovalController(SshApprovals approvals) {
        this.approvals = Objects.requireNonNull(approvals, "approvals");
    }

    /**
     * A login waiting for approval: {@code target} is {@code login@host} or {@code menu}; {@code afterKey}: the
     * person's key was accepted and this approval is the second factor.
     */
    record ApprovalView(String code, String person, String target, String source, String clientVersion,
            boolean afterKey, Instant requestedAt, Instant expiresAt) {
        static ApprovalView of(String code, PendingApprovals.Pending pending) {
            return new ApprovalView(code, pending.request().person(), pending.request().target(),
                    pending.request().source(), pending.request().clientVersion(), pending.request().keyVerified(),
                    pending.requestedAt(), pending.expiresAt());
        }
    }

    /** The answer: {@code approve} or {@code deny}, with an optional reason the SSH client is shown. */
    record Answer(@NotNull @Pattern(regexp = "approve|deny", message = "must be approve or deny") String decision,
            @Size(max = 200) String reason) {}

    /** What became of the login: {@code approved} or {@code denied}. */
    record Outcome(String code, String outcome) {}

    @GetMapping("/{code}")
    ApprovalView show(@PathVariable String code, Authentication authentication, HttpServletRequest request) {
        return ApprovalView.of(code, approvals.show(checked(code), caller(authentication), request.getRemoteAddr()));
    }

    @PostMapping("/{code}")
    Outcome answer(@PathVariable String code, @Valid @RequestBody Answer answer, Authentication authentication,
            HttpServletRequest request) {
        boolean approve = answer.decision().equals("approve");
        approvals.answer(checked(code), caller(authentication), request.getRemoteAddr(), approve, answer.reason());
        return new Outcome(code, approve ? "approved" : "denied");
    }

    private static String checked(String code) {
        if (code.length() > 16 || !code.matches(CODE)) {
            throw ApiException.notFound("not an approval code");
        }
        return code;
    }

    private static Caller caller(Authentication authentication) {
        return ((CallerAuthentication) authentication).caller();
    }
}
