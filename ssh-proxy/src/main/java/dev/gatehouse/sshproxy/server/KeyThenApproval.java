package dev.gatehouse.sshproxy.server;

import dev.gatehouse.sshproxy.access.GatewayUser;
import java.io.IOException;
import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication where a role asks for approval after the key ({@code requireApproval}): once the key's
 * signature is verified, the method answers "not yet" instead of success, so OpenSSH goes on to keyboard-interactive,
 * where {@link BrowserApproval} asks that key's owner. MINA decides which methods suffice once per server, not per
 * person, hence this instead of a partial success.
 */
final class KeyThenApproval extends UserAuthPublicKeyFactory {

    /** A key whose signature was verified, held for the approval that must follow. */
    record VerifiedKey(GatewayUser user, PublicKey key, String fingerprint) {}

    /** Set by {@link GatewayAuthenticator} for a key whose owner needs approval; trusted only once verified. */
    static final AttributeKey<VerifiedKey> AWAITING_SIGNATURE = new AttributeKey<>();
    /** The verified key waiting for its owner's approval. */
    static final AttributeKey<VerifiedKey> VERIFIED = new AttributeKey<>();

    @Override
    public UserAuthPublicKey createUserAuth(ServerSession session) throws IOException {
        return new UserAuthPublicKey(getSignatureFactories()) {
            @Override
            public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
                Boolean result = super.doAuth(buffer, init);
                VerifiedKey awaiting = session.removeAttribute(AWAITING_SIGNATURE);
                if (Boolean.TRUE.equals(result) && awaiting != null) {
                    session.setAttribute(VERIFIED, awaiting);
                    return Boolean.FALSE;
                }
                return result;
            }
        };
    }

    static VerifiedKey verified(GatewayUser user, PublicKey key) {
        return new VerifiedKey(user, key, KeyUtils.getFingerPrint(key));
    }
}
