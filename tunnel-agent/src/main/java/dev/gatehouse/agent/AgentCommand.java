package dev.gatehouse.agent;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse-agent}: join a network once, then run the tunnels. */
@Command(name = "gatehouse-agent", mixinStandardHelpOptions = true, versionProvider = AgentCommand.Version.class,
        description = "Keeps outbound tunnels from a private network to every Gatehouse gateway node.",
        subcommands = {JoinCommand.class, RunCommand.class})
public final class AgentCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this without exiting the JVM). */
    public static int execute(String... args) {
        return new CommandLine(new AgentCommand())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println("gatehouse-agent: " + describe(e));
                    return 1;
                })
                .execute(args);
    }

    /** What went wrong, in one line: file problems name the file and the reason (the JDK's message is just the path). */
    static String describe(Exception e) {
        if (e instanceof NoSuchFileException missing) {
            return "no such file: " + missing.getFile();
        }
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile() + " (the agent runs as " + System.getProperty("user.name")
                    + ")";
        }
        if (e instanceof FileSystemException file) {
            return file.getFile() + ": " + (file.getReason() != null ? file.getReason() : e.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String version() {
        String version = AgentCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gatehouse-agent " + version()};
        }
    }
}
