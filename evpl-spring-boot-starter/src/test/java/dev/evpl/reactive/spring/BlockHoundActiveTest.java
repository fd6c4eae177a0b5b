package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The starter's suite runs under BlockHound: a blocking call on an evpl loop thread is an error. */
class BlockHoundActiveTest {
    @Test
    void blockingOnALoopIsReported() {
        try (EventLoopGroup loops = EventLoopGroup.create(1)) {
            StepVerifier.create(Mono.fromCallable(() -> {
                Thread.sleep(1);
                return Thread.currentThread().getName();
            }).subscribeOn(loops))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class))
                    .verify(Duration.ofSeconds(10));
        }
    }
}
