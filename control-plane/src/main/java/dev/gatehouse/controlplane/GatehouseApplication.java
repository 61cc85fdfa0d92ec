package dev.gatehouse.controlplane;

import dev.gatehouse.controlplane.evidence.AuditVerifyCommand;
import dev.gatehouse.node.BastionNode;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The gatehouse distribution: control plane, and in the all-in-one role the bastion too. */
@SpringBootApplication
public class GatehouseApplication {

    static final String CLI_ROLE = "--gatehouse.role=cli";

    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains(CLI_ROLE)) {
            System.exit(runCommand(args));
        }
        if (bastionRole(args)) {
            // A bastion node is another, much smaller application: no database, no CA, no web server.
            BastionNode.run(args);
            return;
        }
        SpringApplication.run(GatehouseApplication.class, args);
    }

    /** Whether the command line (last word wins, as in Spring) or else GATEHOUSE_ROLE asks for a bastion node. */
    static boolean bastionRole(String[] args) {
        String role = System.getenv("GATEHOUSE_ROLE");
        for (String arg : args) {
            if (arg.startsWith("--gatehouse.role=")) {
                role = arg.substring("--gatehouse.role=".length());
            }
        }
        return "bastion".equalsIgnoreCase(role == null ? "" : role.strip());
    }

    /**
     * A command-line tool ({@code ./gatehouse audit verify}): the same application without the bastion, its HTTP side
     * on a free loopback port nobody is told about, then exit.
     */
    static int runCommand(String[] args) {
        List<String> words = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GatehouseApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1").logStartupInfo(false).run(args)) {
            return context.getBean(AuditVerifyCommand.class).run(words, System.out);
        }
    }
}
