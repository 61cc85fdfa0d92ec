package dev.gatehouse.audit.siem;

import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.StoredAuditEvent;
import dev.gatehouse.audit.export.SessionExport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Events as JSON lines appended to a file, for Vector, Filebeat or Fluent Bit to tail. */
public final class JsonLinesFileSink implements SiemSink {

    private final FileChannel file;

    public JsonLinesFileSink(Path path) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    @Override
    public void send(List<StoredAuditEvent> events) throws IOException {
        write(SessionExport.jsonLines(events));
    }

    @Override
    public void sendCheckpoint(SignedCheckpoint checkpoint) throws IOException {
        write(checkpoint.json());
    }

    private void write(byte[] lines) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(lines);
        while (buf.hasRemaining()) {
            file.write(buf);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
