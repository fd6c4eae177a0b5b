package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the README's demo command in-process and checks what it prints. */
class LoopDemoTest {

    @Test
    void loopDemoShowsTimersDoorbellAndSchedulersOnLoopThreads() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"loop-demo"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("[evpl-loop-0] timer tick 3")
                .contains("[evpl-loop-1] doorbell: 1000 work items from thread 'producer'")
                .contains("[evpl-loop-1] delayElements(50 ms) -> 3")
                .contains("[evpl-loop-0] Mono.delay(120 ms) fired")
                .contains("[evpl-loop-0] timeout(80 ms) -> TimeoutException")
                .contains("loop demo OK");
    }

    @Test
    void unknownCommandPrintsUsage() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"nope"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("usage:").contains("loop-demo");
    }

    @Test
    void badFlagsGiveOneClearLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"echo-server", "--protocol", "FOO"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("error: unknown protocol 'FOO'; known: [STREAM_SOCKET_TCP");
        bytes.reset();
        code = Main.run(new String[] {"echo-server", "--protocol", "STREAM_RDMACM_RC", "--port", "0"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("error: STREAM_RDMACM_RC is not available: needs an RDMA device");
    }
}
