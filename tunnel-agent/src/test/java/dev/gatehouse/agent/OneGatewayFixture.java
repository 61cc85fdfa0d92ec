package dev.gatehouse.agent;

import dev.gatehouse.agent.testbed.TcpTarget;
import dev.gatehouse.agent.testbed.Testbed;
import dev.gatehouse.tunnel.gateway.TunnelListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One started gateway node ({@code node-a}) and an echo target, once per test class: the set-up the agent ITs that
 * bring their own agents begin with. JUnit runs this class's {@code @BeforeAll} before the subclass's.
 */
abstract class OneGatewayFixture {

    static Testbed bed;
    static TunnelListener gateway;
    /** The node's tunnel address, {@code 127.0.0.1:port}. */
    static String address;
    static TcpTarget echo;

    @BeforeAll
    static void startGateway() throws Exception {
        bed = new Testbed();
        echo = bed.echo();
        gateway = bed.gateway("node-a", null);
        address = Testbed.address(gateway.start());
    }

    @AfterAll
    static void closeBed() throws Exception {
        bed.close();
    }
}
