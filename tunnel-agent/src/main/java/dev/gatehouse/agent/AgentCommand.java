package dev.gatehouse.agent;

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
                    commandLine.getErr().println("gatehouse-agent: " + e.getMessage());
                    return 1;
                })
                .execute(args);
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
