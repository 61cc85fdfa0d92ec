package dev.gatehouse.sshproxy.proxyprotocol;

import java.io.IOException;

/** A PROXY protocol header that was refused; the message says why, without echoing what the peer sent. */
public final class MalformedProxyHeaderException extends IOException {

    public MalformedProxyHeaderException(String reason) {
        super(reason);
    }
}
