package dev.gatehouse.controlplane.sshapprovals;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** {@code /approve/<code>}, the short link an SSH client shows: the console's approval page for that code. */
@Controller
final class ShortApprovalLink {

    @GetMapping("/approve/{code}")
    ResponseEntity<Void> open(@PathVariable String code) {
        // Only a well-formed code goes into the redirect; anything else lands on the console's start page.
        String target = code.length() <= 16 && code.matches(SshApprovalController.CODE) ? "/#/approve/" + code : "/";
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(target)).build();
    }
}
