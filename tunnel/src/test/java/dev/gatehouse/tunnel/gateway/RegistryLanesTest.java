package dev.gatehouse.tunnel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.tunnel.protocol.AgentIdentity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RegistryLanesTest {

    @Test
    void writesForOneAgentThenRunInSubmissionOrderOffTheCallingThread() throws Exception {
        Map<AgentIdentity, List<Integer>> written = new ConcurrentHashMap<>();
        List<AgentIdentity> agents = List.of(new AgentIdentity("lab", "a"), new AgentIdentity("lab", "b"),
                new AgentIdentity("ops", "c"), new AgentIdentity("ops", "d"), new AgentIdentity("dmz", "e"));
        agents.forEach(agent -> written.put(agent, Collections.synchronizedList(new ArrayList<>())));
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(agents.size());
        try (RegistryLanes lanes = new RegistryLanes("test", 2)) {
            for (int i = 0; i < 500; i++) {
                int n = i;
                for (AgentIdentity agent : agents) {
                    lanes.run(agent, () -> {
                        threads.add(Thread.currentThread());
                        written.get(agent).add(n);
                        if (n == 499) {
                            done.countDown();
                        }
                    });
                }
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        List<Integer> expected = IntStream.range(0, 500).boxed().toList();
        agents.forEach(agent -> assertThat(written.get(agent)).as("writes for %s", agent).isEqualTo(expected));
        assertThat(threads).doesNotContain(Thread.currentThread());
    }

    @Test
    void aFailingWriteThenLaterWritesForThatAgentStillRun() throws Exception {
        AgentIdentity agent = new AgentIdentity("lab", "a");
        CountDownLatch later = new CountDownLatch(1);
        try (RegistryLanes lanes = new RegistryLanes("test", 1)) {
            lanes.run(agent, () -> {
                throw new IllegalStateException("database down");
            });
            lanes.run(agent, later::countDown);
            assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
