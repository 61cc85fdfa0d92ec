package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of a real command-line tool (haproxy, systemd-analyze, kubectl): exit code and what it printed. */
record Tool(int exitCode, String output) {

    /** Runs {@code command} (stdout and stderr together), failing the test when the tool is not installed. */
    static Tool run(String packageHint, String... command) {
        return runWith(java.util.Map.of(), packageHint, command);
    }

    /** As {@link #run}, with {@code environment} added to this process's. */
    static Tool runWith(java.util.Map<String, String> environment, String packageHint, String... command) {
        List<String> argv = new java.util.ArrayList<>(List.of(command));
        argv.set(0, installed(command[0], packageHint).toString());
        try {
            ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().putAll(environment);
            Process process = builder.redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish");
            }
            return new Tool(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path installed(String name, String packageHint) {
        if (name.startsWith("/")) {
            return Files.isExecutable(Path.of(name)) ? Path.of(name)
                    : fail(name + " is not installed; this check runs the real tool (" + packageHint + ")");
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail(name + " is not installed; this check runs the real tool (" + packageHint + ")");
    }

    String describe() {
        return "exit " + exitCode + ", output:\n" + output;
    }
}
