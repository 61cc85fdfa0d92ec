package dev.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program to completion with files for its standard streams, so no pipe can fill up and block it. */
final class ExternalCommand {

    private ExternalCommand() {
    }

    static CommandResult run(List<String> command, byte[] stdin, Duration timeout) {
        Path streams = TempFiles.directory("gatehouse-cmd-");
        try {
            Path in = Files.write(streams.resolve("stdin"), stdin);
            Path out = streams.resolve("stdout");
            Path err = streams.resolve("stderr");
            Process process = new ProcessBuilder(command)
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + "\nstderr: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new CommandResult(List.copyOf(command), process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            TempFiles.deleteRecursively(streams);
        }
    }

    /** Runs and returns the result, or fails with the whole story when the exit code is not 0. */
    static CommandResult runSuccessfully(List<String> command, Duration timeout) {
        CommandResult result = run(command, new byte[0], timeout);
        if (!result.succeeded()) {
            throw new IllegalStateException(result.describe());
        }
        return result;
    }
}
