package dev.evpl.reactive.core;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.LoopHarness.ClockKind;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fd events on a real pipe: latched readiness, interest switching, hang-up, and close. */
class FdEventTest {
    private long mem;
    private int readFd;
    private int writeFd;

    @BeforeEach
    void pipe() {
        mem = NativeMemory.allocate(4096);
        Native.check(LIBC.pipe2(mem, Linux.O_NONBLOCK | Linux.O_CLOEXEC), "pipe2", null);
        readFd = NativeMemory.getInt(mem);
        writeFd = NativeMemory.getInt(mem + 4);
    }

    @AfterEach
    void close() {
        LIBC.close(readFd);
        if (writeFd >= 0) {
            LIBC.close(writeFd);
        }
        NativeMemory.free(mem);
    }

    private void write(int bytes) {
        assertThat(LIBC.write(writeFd, mem + 1024, bytes)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void readinessIsLatchedUntilTheHandlerReportsUnreadable(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger calls = new AtomicInteger();
            FdEvent ev = h.loop.addFd(readFd, e -> calls.incrementAndGet(), true, false);
            h.passes(3);
            assertThat(calls).as("nothing to read yet").hasValue(0);
            write(10);
            h.passes(3);
            // Edge-triggered in the kernel, latched here: called every pass though the kernel said it once.
            assertThat(calls).hasValue(3);
            ev.markUnreadable();
            h.passes(3);
            assertThat(calls).hasValue(3);
            write(1);
            h.passes(1);
            assertThat(calls).hasValue(4);
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void readInterestOffStopsCallbacksAndOnResumesThem(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger bytes = new AtomicInteger();
            FdEvent ev = h.loop.addFd(readFd, e -> {
                long n = LIBC.read(e.fd(), mem + 2048, 4);
                if (n > 0) {
                    bytes.addAndGet((int) n);
                } else if (n < 0 && Native.errno() == Errno.EAGAIN) {
                    e.markUnreadable();
                }
            }, false, false);
            write(12);
            h.passes(3);
            assertThat(bytes).as("interest off: nothing read").hasValue(0);
            assertThat(ev.isReadable()).isTrue();
            ev.readInterest(true);
            h.passes(2); // 4 bytes per call
            assertThat(bytes).hasValue(8);
            ev.readInterest(false);
            h.passes(2);
            assertThat(bytes).hasValue(8);
            ev.readInterest(true);
            h.passes(3);
            assertThat(bytes).hasValue(12);
            assertThat(ev.isReadable()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void hangUpMakesTheDescriptorReadable(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            long[] lastRead = {-2};
            h.loop.addFd(readFd, e -> {
                lastRead[0] = LIBC.read(e.fd(), mem + 2048, 16);
                e.markUnreadable();
            }, true, false);
            LIBC.close(writeFd);
            writeFd = -1;
            assertThat(h.runUntil(() -> lastRead[0] == 0, Duration.ofSeconds(5))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void writableDescriptorsAndCloseThatLeavesTheFdOpen(ClockKind kind) {
        try (LoopHarness h = new LoopHarness(kind)) {
            AtomicInteger writable = new AtomicInteger();
            FdEvent ev = h.loop.addFd(writeFd, new FdHandler() {
                @Override
                public void onReadable(FdEvent event) {
                }

                @Override
                public void onWritable(FdEvent event) {
                    writable.incrementAndGet();
                }
            }, false, true);
            h.passes(2);
            assertThat(writable).hasValue(2);
            ev.close();
            assertThat(ev.isClosed()).isTrue();
            h.passes(2);
            assertThat(writable).hasValue(2);
            // The loop never closes a caller's descriptor.
            assertThat(LIBC.fcntl(writeFd, Linux.F_GETFL, 0)).isNotNegative();
            write(3);
            // The slot is reused by a new registration; a stale event for the old one is ignored.
            AtomicInteger reads = new AtomicInteger();
            h.loop.addFd(readFd, e -> {
                reads.incrementAndGet();
                e.markUnreadable();
            }, true, false);
            h.passes(2);
            assertThat(reads).hasValue(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ClockKind.class)
    void disposingTheLoopUnregistersButDoesNotCloseDescriptors(ClockKind kind) {
        LoopHarness h = new LoopHarness(kind);
        FdEvent ev = h.loop.addFd(readFd, e -> { }, true, false);
        AtomicInteger closeHooks = new AtomicInteger();
        h.loop.addCloseHook(closeHooks::incrementAndGet);
        h.loop.dispose();
        assertThat(ev.isClosed()).isTrue();
        assertThat(closeHooks).hasValue(1);
        assertThat(h.loop.onTerminate().toFuture()).isCompleted();
        assertThat(LIBC.fcntl(readFd, Linux.F_GETFL, 0)).isNotNegative();
    }
}
