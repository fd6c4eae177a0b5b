package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.block.BlockProtocol;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code block-bench} on a small real file: every engine and loop set-up runs and prints its RESULT line. */
class BlockBenchSampleTest {
    private static final Pattern RESULT = Pattern.compile("^RESULT engine=(\\S+) pattern=(\\S+) bs=(\\d+) qd=(\\d+) direct=\\S+ "
            + "iops=(\\d+) mbps=\\S+ p50_us=\\S+ p99_us=\\S+$", Pattern.MULTILINE);
    @TempDir
    Path dir;

    private String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("block-bench", "--file", dir.resolve("bench.dat").toString(), "--size", "8m",
                "--bs", "4k", "--seconds", "1", "--warmup", "1"));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(new String[0]), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        return out;
    }

    private static long iops(String out, String engine, String pattern) {
        Matcher m = RESULT.matcher(out);
        assertThat(m.find()).as("a RESULT line in:%n%s", out).isTrue();
        assertThat(m.group(1)).isEqualTo(engine);
        assertThat(m.group(2)).isEqualTo(pattern);
        return Long.parseLong(m.group(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"IO_URING", "THREAD_POOL", "FILECHANNEL", "FILECHANNEL_ELASTIC"})
    void everyEngineReadsAndWrites(String engine) throws Exception {
        assumeTrue(!engine.equals("IO_URING") || BlockProtocol.IO_URING.isAvailable(), "io_uring unavailable here");
        String out = run("--protocol", engine, "--qd", "8", "--pattern", "randread");
        assertThat(out).contains("warm-up:").contains("filling");
        assertThat(iops(out, engine, "randread")).isPositive();
        assertThat(Files.size(dir.resolve("bench.dat"))).as("laid out as data first").isEqualTo(8 << 20);
        assertThat(iops(run("--protocol", engine, "--qd", "4", "--pattern", "seqwrite"), engine, "seqwrite")).isPositive();
    }

    @Test
    void theLoopWaitsInEpollOrHasAnSqPollThreadWhenAsked() throws Exception {
        assumeTrue(BlockProtocol.IO_URING.isAvailable(), "io_uring unavailable here");
        assertThat(iops(run("--protocol", "IO_URING", "--qd", "16", "--pattern", "randread", "--epoll-wait"), "IO_URING", "randread"))
                .isPositive();
        assertThat(iops(run("--protocol", "IO_URING", "--qd", "16", "--pattern", "seqread", "--sqpoll-ms", "5"), "IO_URING", "seqread"))
                .isPositive();
    }

    @Test
    void badFlagsAreNamed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"block-bench", "--file", dir.resolve("x").toString(), "--pattern", "zigzag"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--pattern must be randread, seqread, randwrite or seqwrite, got 'zigzag'");
    }
}
