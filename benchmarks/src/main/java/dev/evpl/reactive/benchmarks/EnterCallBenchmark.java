package dev.evpl.reactive.benchmarks;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.uring.IoUring;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@code io_uring_enter} that has nothing to do ({@code GETEVENTS}, no wait) through
 * the two JNR bindings of {@code syscall}: seven parameters (JNR marshals them through argument
 * buffers) and six with a null {@code Pointer} (its fast path, what the loop uses for enters without
 * an argument block). {@code getpid} is the floor: a system call that does nothing, five parameters fewer.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnterCallBenchmark {
    private IoUring ring;
    private int fd;

    @Setup
    public void setUp() {
        ring = IoUring.create(8);
        fd = ring.fd();
    }

    @TearDown
    public void tearDown() {
        ring.close();
    }

    @Benchmark
    public long enterSevenParameters() {
        return LIBC.syscall(Linux.SYS_IO_URING_ENTER, fd, 0, 0, 1, 0, 0);
    }

    @Benchmark
    public long enterSixParameters() {
        return LIBC.syscall(Linux.SYS_IO_URING_ENTER, fd, 0, 0, 1, (jnr.ffi.Pointer) null);
    }

    @Benchmark
    public int getpid() {
        return LIBC.getpid();
    }
}
