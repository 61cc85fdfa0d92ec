package dev.gatehouse.audit.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditSchema;
import dev.gatehouse.audit.blob.FileBlobStore;
import dev.gatehouse.audit.chain.AuditKey;
import dev.gatehouse.audit.chain.ChainCheckpointer;
import dev.gatehouse.audit.events.AuditEventQuery;
import dev.gatehouse.audit.events.PostgresAuditStore;
import dev.gatehouse.audit.recording.AsyncSessionRecorder;
import dev.gatehouse.audit.recording.PostgresEvidenceStore;
import dev.gatehouse.audit.recording.RecorderSettings;
import dev.gatehouse.audit.search.SessionSearch;
import dev.gatehouse.audit.verify.AuditVerifier;
import dev.gatehouse.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -9} of a recording process loses at most the last seconds; the session is marked interrupted. */
class KilledRecorderIT {

    @TempDir
    Path dir;

    @Test
    void killedRecorderLosesAtMostTheLastSecondsAndItsSessionIsMarkedInterruptedOnRestart() throws Exception {
        TestDatabase database = TestDatabase.create();
        AuditSchema.migrate(database.dataSource());
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.write(dir.resolve("audit.pub"), pair.getPublic().getEncoded());
        Files.write(dir.resolve("audit.key"), pair.getPrivate().getEncoded());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RecordingProcess.class.getName(), database.jdbcUrl(), database.username(),
                database.password() == null ? "" : database.password(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int lastTick = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && lastTick < 60) {
                if (line.startsWith("tick ")) {
                    lastTick = Integer.parseInt(line.substring(5));
                }
            }
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no end(), no flush
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastTick).isEqualTo(60);

        PostgresAuditStore store = new PostgresAuditStore(database.dataSource());
        FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        AuditKey key = RecordingProcess.key(dir);
        restartTheVictimsRecorder(store, blobs, key);

        assertThat(new SessionSearch(database.dataSource()).session("killed-1"))
                .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo("interrupted"));
        assertThat(store.search(AuditEventQuery.builder().sessionId("killed-1").type("session.interrupted").build()))
                .hasSize(1);
        ByteArrayOutputStream cast = new ByteArrayOutputStream();
        for (String k : blobs.list("sessions/killed-1/")) {
            cast.writeBytes(blobs.get(k).orElseThrow());
        }
        Matcher ticks = Pattern.compile("tick (\\d+)").matcher(cast.toString(StandardCharsets.UTF_8));
        int expected = 0;
        while (ticks.find()) {
            assertThat(Integer.parseInt(ticks.group(1))).as("ticks in order, none missing").isEqualTo(expected++);
        }
        int kept = expected;
        System.out.printf("kill -9: %d of %d ticks were stored%n", kept, lastTick + 1);
        // Sealing every 0.5 s: what was lost is the unsealed tail, at most a couple of seconds of 50 ms ticks.
        assertThat(lastTick + 1 - kept).as("ticks lost (%d kept of %d)", kept, lastTick + 1).isLessThanOrEqualTo(40);
        assertThat(kept).isPositive();
        new ChainCheckpointer(database.dataSource(), key, blobs).checkpoint();
        assertThat(new AuditVerifier(store, blobs, key).verify().broken()).isEmpty();
    }

    @Test
    void killedOneSecondAfterASessionEndedWhileTheDatabaseIsDownLosesNothingOfIt() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.write(dir.resolve("audit.pub"), pair.getPublic().getEncoded());
        Files.write(dir.resolve("audit.key"), pair.getPrivate().getEncoded());
        // The victim's database is away (nothing listens there): what it knows is only in its spool.
        String nowhere;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            nowhere = "jdbc:postgresql://127.0.0.1:" + closed.getLocalPort() + "/postgres?connectTimeout=2";
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RecordingProcess.class.getName(), nowhere, "postgres", "", dir.toString(), "ended")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ended");
            Thread.sleep(1000);
            victim.destroyForcibly(); // SIGKILL one second after the session ended
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        TestDatabase database = TestDatabase.create();
        AuditSchema.migrate(database.dataSource());
        PostgresAuditStore store = new PostgresAuditStore(database.dataSource());
        FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        AuditKey key = RecordingProcess.key(dir);
        restartTheVictimsRecorder(store, blobs, key);

        assertThat(new SessionSearch(database.dataSource()).session("ended-1"))
                .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo("ended"));
        ByteArrayOutputStream cast = new ByteArrayOutputStream();
        for (String k : blobs.list("sessions/ended-1/")) {
            cast.writeBytes(blobs.get(k).orElseThrow());
        }
        for (int i = 0; i < 20; i++) {
            assertThat(cast.toString(StandardCharsets.UTF_8)).contains("tick " + i + "\\r\\n");
        }
        assertThat(store.search(AuditEventQuery.builder().actor("carol").build()))
                .extracting(e -> e.event().type()).containsSubsequence("ssh.login", "ssh.logout")
                .filteredOn(t -> t.startsWith("ssh.")).hasSize(2);
        new ChainCheckpointer(database.dataSource(), key, blobs).checkpoint();
        assertThat(new AuditVerifier(store, blobs, key).verify().broken()).isEmpty();
    }

    /** The victim's node starting again on its data directory: its spool delivers what the killed process left. */
    private void restartTheVictimsRecorder(PostgresAuditStore store, FileBlobStore blobs, AuditKey key)
            throws InterruptedException {
        EvidenceSpool spool = new EvidenceSpool(dir.resolve("spool"), new PostgresEvidenceStore(store, blobs), 1 << 20);
        try (AsyncSessionRecorder restarted = new AsyncSessionRecorder(RecorderSettings.defaults("victim"), key,
                spool)) {
            assertThat(restarted.awaitStored(Duration.ofSeconds(60))).as("stored: %s", spool.lastError()).isTrue();
        }
    }
}
