package dev.gatehouse.tunnel.protocol;

import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/** HTTP/2 settings shared by both ends. Roles are reversed: the gateway is the client, the agent the server. */
public final class TunnelCodecs {

    /** Per-stream window: large enough for bulk transfers over a WAN, small enough to bound memory per stream. */
    public static final int STREAM_WINDOW = 1 << 20;
    /** Extra connection-level window so that a few busy streams do not starve the others. */
    public static final int CONNECTION_WINDOW_INCREMENT = 16 << 20;
    public static final int MAX_HEADER_LIST_SIZE = 16 * 1024;
    public static final int MAX_CONCURRENT_STREAMS = 10_000;
    /**
     * Bytes queued on a link's socket before its streams are told to pause: one full stream window and more. Netty's
     * 32/64 KiB flipped the link unwritable on nearly every flush of a bulk stream, and each flip paused and resumed
     * every stream's source.
     */
    public static final WriteBufferWaterMark LINK_WATER_MARK = new WriteBufferWaterMark(STREAM_WINDOW, 2 * STREAM_WINDOW);

    private TunnelCodecs() {
    }

    /** The gateway's codec: HTTP/2 client, no server push. */
    public static Http2FrameCodec gateway() {
        return Http2FrameCodecBuilder.forClient()
                .initialSettings(settings().pushEnabled(false))
                .autoAckPingFrame(true)
                .build();
    }

    /** The agent's codec: HTTP/2 server. */
    public static Http2FrameCodec agent() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
                .autoAckPingFrame(true)
                .build();
    }

    private static Http2Settings settings() {
        return Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxHeaderListSize(MAX_HEADER_LIST_SIZE);
    }
}
