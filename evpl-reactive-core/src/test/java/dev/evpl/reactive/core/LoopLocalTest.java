package dev.evpl.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Per-loop values: one per loop, created once on its thread, visible from others, gone with the loop. */
class LoopLocalTest {
    private static final AtomicInteger CREATED = new AtomicInteger();
    private static final LoopLocal<String> NAME = LoopLocal.withInitial("test name", l -> {
        CREATED.incrementAndGet();
        return "state of " + l.name();
    });

    @Test
    void oneValuePerLoopCreatedOnceOnItsThreadAndPeekedFromAnyThread() {
        try (EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build())) {
            EventLoop a = group.loop(0);
            EventLoop b = group.loop(1);
            int before = CREATED.get();
            assertThat(NAME.peek(a)).as("not created yet").isNull();
            String first = Mono.fromCallable(() -> NAME.get(a)).subscribeOn(a).block(Duration.ofSeconds(5));
            String again = Mono.fromCallable(() -> NAME.get(a)).subscribeOn(a).block(Duration.ofSeconds(5));
            String other = Mono.fromCallable(() -> NAME.get(b)).subscribeOn(b).block(Duration.ofSeconds(5));
            assertThat(first).isSameAs(again).isEqualTo("state of " + a.name());
            assertThat(other).isEqualTo("state of " + b.name());
            assertThat(CREATED.get() - before).isEqualTo(2);
            assertThat(NAME.peek(a)).as("from another thread").isSameAs(first);
            Mono.fromRunnable(() -> NAME.remove(a)).subscribeOn(a).block(Duration.ofSeconds(5));
            assertThat(NAME.peek(a)).isNull();
            // creating takes the loop's thread
            assertThatThrownBy(() -> NAME.get(a)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("LoopLocal(test name).get must be called on the loop thread");
            assertThat(NAME.peek(b)).isEqualTo(other);
        }
    }
}
