package dev.gatehouse.tunnel.protocol;

/** The peer sent bytes that do not follow the stream framing; the stream is aborted, the link and process stay up. */
public final class MalformedFrameException extends Exception {

    public MalformedFrameException(String message) {
        super(message);
    }
}
