package dev.gatehouse.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowListTest {

    private final AllowList list = AllowList.parse(List.of("10.0.0.0/8:22", "192.168.1.7:5432",
            "localhost:8000-8100", "*.corp.internal:443", "[fd00::/8]:*"));

    @Test
    void addressInsideCidrAndPortThenAllowedToThatExactAddress() {
        AllowList.Decision decision = list.check("10.200.3.4", 22);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.address().getAddress().getHostAddress()).isEqualTo("10.200.3.4");
    }

    @Test
    void addressOutsideCidrOrWrongPortThenRefusedWithTarget() {
        assertThat(list.check("11.0.0.1", 22).refusal()).isEqualTo("11.0.0.1:22 is not in the agent's allow-list");
        assertThat(list.check("10.0.0.1", 23).allowed()).isFalse();
        assertThat(list.check("192.168.1.8", 5432).allowed()).isFalse();
    }

    @Test
    void hostNameRuleWithPortRangeThenAllowedWithinRangeOnly() {
        assertThat(list.check("LOCALHOST", 8050).allowed()).isTrue();
        assertThat(list.check("localhost", 8101).allowed()).isFalse();
    }

    @Test
    void ipv6CidrWithAnyPortThenAllowed() {
        assertThat(list.check("[fd00::1]", 2222).allowed()).isTrue();
        assertThat(list.check("fe80::1", 22).allowed()).isFalse();
    }

    @Test
    void nameResolvingOutsideEveryRuleThenRefused() {
        assertThat(list.check("localhost", 22).allowed()).as("127.0.0.1 is in no CIDR rule").isFalse();
        assertThat(list.check("no-such-host.invalid", 443).allowed()).isFalse();
    }

    @Test
    void malformedEntriesThenStartupErrorNamesTheEntry() {
        assertThatThrownBy(() -> AllowList.parse(List.of("10.0.0.0/33:22"))).hasMessageContaining("'10.0.0.0/33:22'")
                .hasMessageContaining("prefix length");
        assertThatThrownBy(() -> AllowList.parse(List.of("db.internal"))).hasMessageContaining("expected");
        assertThatThrownBy(() -> AllowList.parse(List.of("db.internal:0"))).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> AllowList.parse(List.of("bad host!:22"))).hasMessageContaining("neither");
    }

    @Test
    void emptyListThenEverythingRefused() {
        assertThat(AllowList.parse(List.of()).check("127.0.0.1", 22).allowed()).isFalse();
    }
}
