package dev.gatehouse.controlplane.hosts;

import dev.gatehouse.controlplane.api.ApiException;
import dev.gatehouse.pki.ssh.InvalidSshKeyException;
import dev.gatehouse.pki.ssh.SshPublicKey;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Host keys as pinned: the OpenSSH line {@code type base64}, without comment, so equal keys compare equal. */
final class HostKeys {

    private HostKeys() {}

    /** Parses an admin-given host key line, refusing it with the parser's reason under {@code field}. */
    static String normalise(String field, String line) {
        try {
            return of(SshPublicKey.parse(line).key());
        } catch (InvalidSshKeyException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }

    static String of(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }
}
