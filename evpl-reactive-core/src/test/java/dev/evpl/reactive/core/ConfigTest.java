package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Config defaults and validation messages (they name the parameter, the range and the value). */
class ConfigTest {

    @Test
    void loopDefaultsMatchTheDocumentedTable() {
        LoopConfig c = LoopConfig.defaults();
        assertThat(c.spin()).isEqualTo(Duration.ofMillis(1));
        assertThat(c.pollIterations()).isEqualTo(1000);
        assertThat(c.maxEvents()).isEqualTo(256);
        assertThat(c.timerSlack()).isEqualTo(Duration.ofNanos(1000));
        assertThat(c.idleStrategy()).isSameAs(IdleStrategy.busySpin());
        assertThat(c.clock()).isSameAs(LoopClock.system());
        LoopConfig changed = c.toBuilder().spin(Duration.ZERO).build();
        assertThat(changed.spin()).isZero();
        assertThat(c.spin()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void loopConfigRejectsOutOfRangeValuesNamingTheParameter() {
        assertThatThrownBy(() -> LoopConfig.builder().spin(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LoopConfig.spin must be between PT0S and PT1S, got PT2S");
        assertThatThrownBy(() -> LoopConfig.builder().spin(Duration.ofMillis(-1)).build())
                .hasMessageStartingWith("LoopConfig.spin must be between");
        assertThatThrownBy(() -> LoopConfig.builder().pollIterations(0).build())
                .hasMessage("LoopConfig.pollIterations must be between 1 and 1000000, got 0");
        assertThatThrownBy(() -> LoopConfig.builder().maxEvents(100_000).build())
                .hasMessage("LoopConfig.maxEvents must be between 1 and 65536, got 100000");
        assertThatThrownBy(() -> LoopConfig.builder().timerSlack(Duration.ofSeconds(5)).build())
                .hasMessage("LoopConfig.timerSlack must be between PT0S and PT1S, got PT5S");
        assertThatThrownBy(() -> LoopConfig.builder().clock(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
    }

    @Test
    void groupConfigRejectsOutOfRangeValuesNamingTheParameter() {
        assertThatThrownBy(() -> GroupConfig.builder().threads(0).build())
                .hasMessage("GroupConfig.threads must be between 1 and 1024, got 0");
        assertThatThrownBy(() -> GroupConfig.builder().threadNamePrefix(" ").build())
                .hasMessage("GroupConfig.threadNamePrefix must not be empty");
        assertThatThrownBy(() -> GroupConfig.builder().cpuAffinity(0, 5000).build())
                .hasMessage("GroupConfig.cpuAffinity cpu must be between 0 and 1023, got 5000");
        assertThatThrownBy(() -> GroupConfig.builder().threads(2).loopConfig(3, LoopConfig.defaults()).build())
                .hasMessage("GroupConfig.loopConfig index must be between 0 and 1, got 3");
    }

    @Test
    void groupConfigGivesPerLoopOverrides() {
        LoopConfig special = LoopConfig.builder().spin(Duration.ZERO).build();
        GroupConfig c = GroupConfig.builder().threads(3).loopConfig(1, special).cpuAffinity(0, 1).build();
        assertThat(c.loopConfig(0)).isSameAs(LoopConfig.defaults());
        assertThat(c.loopConfig(1)).isSameAs(special);
        assertThat(c.cpuFor(2)).isEqualTo(0);
        assertThat(c.cpuAffinity()).containsExactly(0, 1);
    }
}
