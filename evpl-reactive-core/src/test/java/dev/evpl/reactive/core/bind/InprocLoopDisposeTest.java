package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

/**
 * Loops disposed with in-process binds still open: what the binds hold (bytes sent to a side that
 * never read them) goes back to the pool. Before the fix those segments stayed referenced forever
 * (the paranoid leak check of LoopErrorsExtension fails this test then).
 */
class InprocLoopDisposeTest {

    @Test
    void disposingTheLoopsReleasesWhatOpenInprocBindsHold() {
        for (int round = 0; round < 20; round++) {
            EventLoopGroup group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
            Listener listener = Listener.listen(Protocol.STREAM_INPROC, Endpoint.inproc("dispose-" + round));
            Sinks.One<Bind> accepted = Sinks.one();
            listener.attach(group.loop(1), accepted::tryEmitValue); // the server never reads
            Bind client = Bind.connect(group.loop(0), Protocol.STREAM_INPROC, Endpoint.inproc("dispose-" + round))
                    .block(Duration.ofSeconds(5));
            Bind server = accepted.asMono().block(Duration.ofSeconds(5));
            client.sendString("unread bytes " + round).block(Duration.ofSeconds(5));
            server.sendString("unread reply " + round).block(Duration.ofSeconds(5));
            assertThat(client.isClosed()).isFalse();
            listener.dispose();
            group.close(); // binds left open on purpose
            assertThat(client.isClosed()).as("closed by its loop's release").isTrue();
            assertThat(server.isClosed()).isTrue();
        }
    }
}
