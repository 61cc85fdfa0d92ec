package dev.gatehouse.sshproxy.upstream;

import dev.gatehouse.sshproxy.access.AccessDecider;
import dev.gatehouse.sshproxy.access.CertificateIssuer;
import dev.gatehouse.sshproxy.access.GatewayUser;
import dev.gatehouse.sshproxy.access.Target;
import dev.gatehouse.sshproxy.dial.DialedConnection;
import dev.gatehouse.sshproxy.dial.LoopbackBridge;
import dev.gatehouse.sshproxy.dial.TargetDialer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.AbstractClientSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Logs in to targets for users: ONE shared {@link SshClient} for every upstream session, a fresh key and a
 * per-session user certificate for each login, the target's host key checked against its pin.
 */
public final class UpstreamConnector implements Closeable {

    private static final AttributeKey<HostKeyCheck> HOST_KEY_CHECK = new AttributeKey<>();


    private final CertificateIssuer issuer;
    private final AccessDecider decider;
    private final Duration connectTimeout;
    private final TargetDialer dialer;
    private final SshClient client;
    /** Bridged sessions (agent networks) to their bridge; weak keys, so closed sessions drop out. */
    private final Map<ClientSession, LoopbackBridge> bridges = Collections.synchronizedMap(new WeakHashMap<>());

    public UpstreamConnector(CertificateIssuer issuer, AccessDecider decider, TargetDialer dialer,
                             Duration connectTimeout) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.client = SshClient.setUpDefaultClient();
        // The bastion's own ~/.ssh must never influence how targets are reached.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier(this::verifyHostKey);
        client.addSessionListener(new HostCertificateNames());
        // A host certificate that is not valid for the target (another name, another CA) leaves its plain key to be
        // checked against the pin, as OpenSSH falls back to known_hosts; MINA would otherwise drop the connection.
        CoreModuleProperties.ABORT_ON_INVALID_CERTIFICATE.set(client, false);
        // AES-GCM runs on the JDK's AES-NI intrinsics; MINA's ChaCha20-Poly1305 is plain Java and several times slower.
        client.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
                BuiltinCiphers.aes128ctr, BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh));
        // MINA's sntrup761x25519 is plain Java and the largest cost of a session's set-up; towards targets (a private
        // leg, logged in with a five-minute certificate) curve25519-sha256 goes first. The client's leg keeps
        // whatever the client prefers (OpenSSH: the post-quantum exchange).
        List<KeyExchangeFactory> exchanges = new ArrayList<>(client.getKeyExchangeFactories());
        exchanges.sort(Comparator.comparing(f -> !f.getName().startsWith(FIRST_KEX)));
        client.setKeyExchangeFactories(exchanges);
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(30));
    }

    /** The key exchanges offered to targets, in order of preference. */
    List<String> keyExchanges() {
        return client.getKeyExchangeFactories().stream().map(KeyExchangeFactory::getName).toList();
    }

    /** The key exchange offered first to targets (both spellings: RFC 8731's and libssh's). */
    static final String FIRST_KEX = "curve25519-sha256";

    /** The channels targets may open back to the gateway (remote forwards), instead of MINA's; set before {@link #start}. */
    public void acceptFromTargets(List<ChannelFactory> factories) {
        client.setChannelFactories(List.copyOf(factories));
    }

    public void start() {
        client.start();
    }

    /** Connects and logs in as {@code login}; the exception message says what went wrong in the user's words. */
    public ClientSession connect(GatewayUser user, String login, Target target, String sessionId) throws IOException {
        HostKeyCheck check = new HostKeyCheck(target);
        // One deadline for TCP connect, key exchange and login: a target that accepts but never answers is as
        // unreachable to the user as one that refuses.
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        ClientSession session;
        try {
            ConnectFuture future = connectWithin(login, target, check, deadline);
            if (!future.await(remaining(deadline))) {
                future.cancel();
                throw unreachable(target, "no answer from " + target.address() + " within "
                        + connectTimeout.toSeconds() + " s", null);
            }
            if (future.getException() != null) {
                throw unreachable(target, describe(future.getException()), future.getException());
            }
            session = future.getSession();
        } catch (UpstreamRefusedException e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(target, describe(e), e);
        }
        try {
            KeyPair key = sessionKey();
            OpenSshCertificate certificate = issuer.issueUserCertificate(user, login, sessionId, key.getPublic(),
                    target.forwarding());
            session.addPublicKeyIdentity(new KeyPair(certificate, key.getPrivate()));
            AuthFuture auth = session.auth();
            if (!auth.await(remaining(deadline))) {
                throw unreachable(target, "no answer from " + target.address() + " within "
                        + connectTimeout.toSeconds() + " s", null);
            }
            if (!auth.isSuccess()) {
                throw new IOException(auth.getException() == null ? "certificate not accepted"
                        : describe(auth.getException()), auth.getException());
            }
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            if (check.mismatch.get() != null) {
                throw new UpstreamRefusedException(check.mismatch.get(), e);
            }
            if (e instanceof UpstreamRefusedException refused) {
                throw refused;
            }
            throw new UpstreamRefusedException("login as " + login + " on " + target.name() + " failed: "
                    + describe(e), e);
        }
    }

    /** Direct targets are dialled by MINA itself; others through the dialer and a loopback bridge. */
    private ConnectFuture connectWithin(String login, Target target, HostKeyCheck check, long deadline)
            throws IOException {
        AttributeRepository context = AttributeRepository.ofKeyValuePair(HOST_KEY_CHECK, check);
        if (Target.DIRECT_NETWORK.equals(target.network())) {
            return client.connect(login, target.address().host(), target.address().port(), context, null);
        }
        DialedConnection stream = dialer.dial(target.network(), target.address(), remaining(deadline));
        LoopbackBridge bridge = LoopbackBridge.open(stream, remaining(deadline));
        ConnectFuture future = client.connect(login, "127.0.0.1", bridge.port(), context, null);
        future.addListener(f -> {
            if (f.getSession() != null) {
                bridges.put(f.getSession(), bridge);
                f.getSession().addCloseFutureListener(closed -> closeQuietly(bridge));
            } else {
                closeQuietly(bridge);
            }
        });
        return future;
    }

    /**
     * Why the tunnel stream under {@code session} broke (the reason the gateway gave), or null; still answers once
     * the session is closed (MINA clears session attributes on close, hence the map).
     */
    public String lostReason(ClientSession session) {
        LoopbackBridge bridge = bridges.get(session);
        return bridge == null ? null : bridge.failure();
    }

    private static void closeQuietly(LoopbackBridge bridge) {
        try {
            bridge.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    private static UpstreamRefusedException unreachable(Target target, String why, Throwable cause) {
        return new UpstreamRefusedException("host " + target.name() + " unreachable: " + why, cause);
    }

    private boolean verifyHostKey(ClientSession session, SocketAddress remote, PublicKey presented) {
        AttributeRepository context = session.getConnectionContext();
        HostKeyCheck check = context == null ? null : context.getAttribute(HOST_KEY_CHECK);
        if (check == null) {
            return false;
        }
        if (presented instanceof OpenSshCertificate certificate && certifiedByHostCa(certificate, check.target.name())) {
            return true;
        }
        PublicKey key = presented instanceof OpenSshCertificate cert ? cert.getCertPubKey() : presented;
        if (check.target.pinnedHostKey().isEmpty()) {
            if (decider.learnHostKey(check.target.name(), key)) {
                return true;
            }
            check.mismatch.set("host key of " + check.target.name() + " (" + KeyUtils.getFingerPrint(key)
                    + ") was not accepted as its first key (another key may have been recorded meanwhile); refusing to connect");
            return false;
        }
        if (KeyUtils.compareKeys(check.target.pinnedHostKey().get(), key)) {
            return true;
        }
        check.mismatch.set("host key of " + check.target.name() + " does not match the key on record ("
                + KeyUtils.getFingerPrint(key) + " presented); refusing to connect");
        return false;
    }

    /**
     * A host certificate from a trusted host CA, of type host, valid now, naming the target's inventory name. MINA has
     * verified its signature (a certificate that fails its checks reaches the verifier as the plain key).
     */
    private boolean certifiedByHostCa(OpenSshCertificate certificate, String targetName) {
        return certificate.getType() == OpenSshCertificate.Type.HOST
                && certificate.getPrincipals().contains(targetName)
                && OpenSshCertificate.isValidNow(certificate)
                && decider.hostCertificateAuthorities().stream()
                        .anyMatch(ca -> KeyUtils.compareKeys(ca, certificate.getCaPubKey()));
    }

    /**
     * MINA checks a host certificate's principals against the host it connected to: an address or a tunnel's loopback
     * bridge, never the inventory name a certificate names. Once the target has answered (the connect address is set
     * by then), this makes that name the host it checks. Were it ever too early, the certificate would only be ignored
     * and the pinned key checked: never less strict.
     */
    private final class HostCertificateNames implements SessionListener {
        @Override
        public void sessionPeerIdentificationReceived(Session session, String version, List<String> extraLines) {
            AttributeRepository context = session instanceof ClientSession client ? client.getConnectionContext() : null;
            HostKeyCheck check = context == null ? null : context.getAttribute(HOST_KEY_CHECK);
            if (check != null && session instanceof AbstractClientSession client
                    && !decider.hostCertificateAuthorities().isEmpty()) {
                client.setConnectAddress(InetSocketAddress.createUnresolved(check.target.name(),
                        check.target.address().port()));
            }
        }
    }

    private static KeyPair sessionKey() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a session key", e);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return message == null ? root.getClass().getSimpleName() : message;
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }

    /** Per-connection state the host key verifier needs (set before the handshake begins). */
    private static final class HostKeyCheck {
        private final Target target;
        private final AtomicReference<String> mismatch = new AtomicReference<>();

        private HostKeyCheck(Target target) {
            this.target = target;
        }
    }
}
