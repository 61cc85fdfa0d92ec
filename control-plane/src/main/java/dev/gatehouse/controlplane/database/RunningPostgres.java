package dev.gatehouse.controlplane.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/** Reads {@code postmaster.pid} of a PostgreSQL data directory: the port of the server running on it, if any. */
final class RunningPostgres {

    private RunningPostgres() {}

    /** The port of a live server on {@code dataDirectory}; empty when none runs (or the file is stale or unreadable). */
    static OptionalInt port(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return OptionalInt.empty();
            }
            // Line 1: the postmaster's pid; line 4: its port (PostgreSQL's documented layout of this file).
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return OptionalInt.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            int port = Integer.parseInt(lines.get(3).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? OptionalInt.of(port)
                    : OptionalInt.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
