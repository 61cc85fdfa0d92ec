package dev.gatehouse.tunnel.protocol;

import io.netty.buffer.ByteBuf;

/** A test's view of a stream's frames when only DATA matters: ACK, FIN and ABORT are passed over. */
@FunctionalInterface
public interface DataFrames extends StreamFrameReader.Frames {

    @Override
    void data(long offset, ByteBuf payload) throws MalformedFrameException;

    @Override
    default void ack(long received) {}

    @Override
    default void fin(long offset) {}

    @Override
    default void abort(String reason) {}
}
