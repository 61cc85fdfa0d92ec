package dev.gatehouse.audit.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.recording.Evidence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void tornLastRecordFromACrashIsCutAndEverythingBeforeItIsKept() throws IOException {
        Journal j = new Journal(dir);
        j.append(commands(0, 3));
        j.close();
        Files.write(dir.resolve("journal.log"), new byte[] {0, 0, 1, 0, 9, 9}, StandardOpenOption.APPEND);

        Journal reopened = new Journal(dir);
        assertThat(lines(reopened.read(100).items())).containsExactly("c0", "c1", "c2");
        reopened.append(commands(3, 4)); // appends after the cut line up again
        assertThat(lines(reopened.read(100).items())).containsExactly("c0", "c1", "c2", "c3");
    }

    @Test
    void deliveredPositionSurvivesARestart() {
        Journal j = new Journal(dir);
        j.append(commands(0, 5));
        Journal.Batch first = j.read(2);
        j.delivered(first.endPosition());
        j.close();
        assertThat(lines(new Journal(dir).read(100).items())).containsExactly("c2", "c3", "c4");
    }

    @Test
    void garbageFilesBesideTheJournalAreLeftAloneAndIgnored() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "not ours");
        Files.write(dir.resolve("journal.log.bak"), new byte[] {1, 2, 3});
        Journal j = new Journal(dir);
        assertThat(j.hasUndelivered()).isFalse();
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("not ours");
    }

    @Test
    void aCorruptRecordInTheMiddleSetsTheJournalAsideAndDeliveryContinues() throws IOException {
        Journal j = new Journal(dir);
        j.append(commands(0, 2));
        long firstEnd = Files.size(dir.resolve("journal.log"));
        j.append(commands(2, 4));
        j.close();
        byte[] all = Files.readAllBytes(dir.resolve("journal.log"));
        all[(int) firstEnd + 20] ^= 0x55; // inside the third record's body: its checksum no longer matches
        Files.write(dir.resolve("journal.log"), all);

        Journal reopened = new Journal(dir);
        assertThat(lines(reopened.read(100).items())).containsExactly("c0", "c1");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".corrupt"));
        }
        reopened.append(commands(9, 10));
        assertThat(lines(reopened.read(100).items())).containsExactly("c9");
    }

    private static List<Evidence> commands(int from, int to) {
        return IntStream.range(from, to)
                .<Evidence>mapToObj(i -> new Evidence.Command("s", i, i, "c" + i, "test", false)).toList();
    }

    private static List<String> lines(List<Evidence> items) {
        return items.stream().map(e -> ((Evidence.Command) e).line()).toList();
    }
}
