package dev.gatehouse.audit.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.chain.SignedCheckpoint;
import dev.gatehouse.audit.events.AuditEvent;
import dev.gatehouse.audit.events.CanonicalJson;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.testkit.TestDatabase;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiemStreamerIT {

    @TempDir
    Path dir;
    static PostgresAuditStore store;

    @BeforeAll
    static void database() {
        var db = TestDatabase.create().dataSource();
        AuditSchema.migrate(db);
        store = new PostgresAuditStore(db);
    }

    @Test
    void fileSinkGetsEveryCommittedEventAsOneJsonLineInOrderAndResumesAfterARestart() throws Exception {
        Path file = dir.resolve("siem/audit.jsonl");
        Path cursor = dir.resolve("siem.cursor");
        long base = store.search(dev.gatehouse.audit.events.AuditEventQuery.builder().newestFirst(true).limit(1)
                .build()).stream().mapToLong(e -> e.id()).findFirst().orElse(0);
        Files.createDirectories(cursor.getParent());
        Files.writeString(cursor, Long.toString(base));
        try (SiemStreamer s = new SiemStreamer(store, new JsonLinesFileSink(file), cursor)) {
            for (int i = 0; i < 3; i++) {
                store.record(AuditEvent.builder("siem.file").actor("alice").detail("i", i).build());
            }
            await(() -> lines(file).size() >= 3);
        }
        store.record(AuditEvent.builder("siem.file").actor("alice").detail("i", 3).build());
        try (SiemStreamer s = new SiemStreamer(store, new JsonLinesFileSink(file), cursor)) {
            await(() -> lines(file).size() >= 4);
        }
        List<String> lines = lines(file);
        assertThat(lines).hasSize(4);
        for (int i = 0; i < 4; i++) {
            var obj = CanonicalJson.readObject(lines.get(i));
            assertThat(obj).containsEntry("type", "siem.file").containsEntry("actor", "alice");
            assertThat(((java.util.Map<?, ?>) obj.get("details")).get("i")).isEqualTo(i);
        }
    }

    @Test
    void eachSignedCheckpointReachesTheStreamAsAnAnchor() throws Exception {
        Path file = dir.resolve("siem/anchors.jsonl");
        AuditKey key = AuditKey.generate();
        try (SiemStreamer s = new SiemStreamer(store, new JsonLinesFileSink(file), dir.resolve("anchors.cursor"))) {
            ChainCheckpointer checkpointer = new ChainCheckpointer(store.dataSource(), key,
                    new FileBlobStore(dir.resolve("blobs")), List.of(s));
            store.record(AuditEvent.builder("siem.anchor").actor("alice").build());
            long seq = checkpointer.checkpoint();
            assertThat(seq).isPositive();
            await(() -> lines(file).stream().anyMatch(l -> l.contains("\"audit.checkpoint\"")));
            String line = lines(file).stream().filter(l -> l.contains("\"audit.checkpoint\"")).findFirst().orElseThrow();
            SignedCheckpoint anchor = SignedCheckpoint.parse(line.getBytes(StandardCharsets.UTF_8));
            assertThat(anchor.seq()).isEqualTo(seq);
            assertThat(anchor.signedBy(AuditKey.verifierOnly(key.publicKey()))).isTrue();
        }
    }

    @Test
    void syslogReceiverThatStartsLateGetsRfc5424FramesWithoutIngestWaiting() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        long base = store.search(dev.gatehouse.audit.events.AuditEventQuery.builder().newestFirst(true).limit(1)
                .build()).stream().mapToLong(e -> e.id()).findFirst().orElse(0);
        Path cursor = dir.resolve("syslog.cursor");
        Files.writeString(cursor, Long.toString(base));
        try (SiemStreamer s = new SiemStreamer(store, new SyslogTcpSink(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), "gw-1"), cursor)) {
            // The receiver is down: recording must not wait for it.
            store.record(AuditEvent.builder("auth.failed").actor("mallory").denied().detail("reason", "bad key").build());
            store.record(AuditEvent.builder("user.created").actor("admin").target("bob").build());
            try (ServerSocket server = new ServerSocket(port, 5, InetAddress.getLoopbackAddress())) {
                server.setSoTimeout(60_000);
                try (Socket client = server.accept()) {
                    client.setSoTimeout(60_000);
                    InputStream in = new BufferedInputStream(client.getInputStream());
                    String first = readFrame(in);
                    String second = readFrame(in);
                    assertThat(first).startsWith("<108>1 ").contains(" gw-1 gatehouse - auth.failed ")
                            .contains("outcome=\"denied\"").contains("\"reason\":\"bad key\"");
                    assertThat(second).startsWith("<109>1 ").contains(" user.created ");
                }
            }
        }
    }

    private static String readFrame(InputStream in) throws IOException {
        StringBuilder len = new StringBuilder();
        for (int c = in.read(); c != ' '; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            len.append((char) c);
        }
        return new String(in.readNBytes(Integer.parseInt(len.toString())), StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
