package dev.evpl.reactive.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.internal.uring.LoopRing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Data integrity and error paths of both block protocols over real files: every test runs on
 * io_uring and on the thread-pool fallback explicitly (not only when io_uring is missing).
 */
class BlockDeviceTest {
    private static final Duration T = Duration.ofSeconds(30);
    private EventLoopGroup group;
    private EventLoop loop;
    @TempDir
    Path dir;

    /** The loop's configuration (a subclass runs the suite with an SQPOLL ring). */
    GroupConfig groupConfig() {
        return GroupConfig.builder().threads(1).build();
    }

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(groupConfig());
        loop = group.loop(0);
    }

    @AfterEach
    void close() {
        group.close();
    }

    private static void assumeAvailable(BlockProtocol p) {
        assumeTrue(p.isAvailable(), () -> p + " unavailable here: " + p.unavailableReason());
    }

    private Segment segmentOf(byte[] bytes, int from, int length) {
        return Mono.fromCallable(() -> {
            Segment s = loop.allocator().allocate(length);
            s.setBytes(0, bytes, from, length);
            return s;
        }).subscribeOn(loop).block(T);
    }

    private static byte[] bytes(Segment s) {
        try {
            return s.toByteArray();
        } finally {
            s.release();
        }
    }

    static Stream<Arguments> protocolsAndDepths() {
        return Stream.of(BlockProtocol.values()).flatMap(p -> Stream.of(1, 8, 64).map(qd -> Arguments.of(p, qd)));
    }

    @ParameterizedTest(name = "{0} QD {1}")
    @MethodSource("protocolsAndDepths")
    void writtenDataReadsBackInOtherSizesAndAtUnalignedOffsets(BlockProtocol protocol, int qd) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("data");
        byte[] content = new byte[8 << 20];
        new Random(qd).nextBytes(content);
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().create(true).queueDepth(qd))) {
            BlockQueue q = dev.queue(loop);
            // Writes of 64 KiB, all issued at once: the depth limit queues them (no error).
            List<Mono<Completion>> writes = new java.util.ArrayList<>();
            for (int at = 0; at < content.length; at += 65_536) {
                writes.add(q.write(at, segmentOf(content, at, 65_536)));
            }
            long written = Flux.merge(writes).map(Completion::bytes).reduce(0L, Long::sum).block(T);
            assertThat(written).isEqualTo(content.length);
            assertThat(dev.size()).isEqualTo(content.length);
            Random random = new Random(qd * 31L);
            for (int size : new int[] {1, 4096, 100_003, 1 << 20}) {
                List<Mono<byte[]>> reads = new java.util.ArrayList<>();
                List<Integer> offsets = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int off = random.nextInt(content.length - size);
                    offsets.add(off);
                    reads.add(q.read(off, size).map(BlockDeviceTest::bytes));
                }
                List<byte[]> got = Flux.mergeSequential(reads).collectList().block(T);
                for (int i = 0; i < got.size(); i++) {
                    int off = offsets.get(i);
                    assertThat(got.get(i)).as("%d bytes at %d", size, off).isEqualTo(Arrays.copyOfRange(content, off, off + size));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void directIoReadsAnyRangeAndWritesAlignedOnes(BlockProtocol protocol) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("direct");
        byte[] content = new byte[1 << 20];
        new Random(5).nextBytes(content);
        Files.write(file, content);
        BlockDevice dev;
        try {
            dev = BlockDevice.open(protocol, file, BlockOptions.defaults().direct(true));
        } catch (BlockIoException e) {
            assumeTrue(false, "O_DIRECT unsupported on this file system: " + e.getMessage());
            return;
        }
        try (dev) {
            BlockQueue q = dev.queue(loop);
            assertThat(dev.alignment()).isEqualTo(4096);
            assertThat(bytes(q.read(12_345, 50_000).block(T))).isEqualTo(Arrays.copyOfRange(content, 12_345, 62_345));
            byte[] page = new byte[8192];
            new Random(6).nextBytes(page);
            q.write(4096, segmentOf(page, 0, page.length)).block(T);
            assertThat(bytes(q.read(4096, 8192).block(T))).isEqualTo(page);
            assertThatThrownBy(() -> q.write(100, segmentOf(page, 0, 512)).block(T))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aligned to 4096 bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void readsAtAndPastTheEndOfTheFile(BlockProtocol protocol) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("small");
        Files.write(file, "0123456789".getBytes());
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults())) {
            BlockQueue q = dev.queue(loop);
            assertThat(new String(bytes(q.read(6, 100).block(T)))).as("short at EOF").isEqualTo("6789");
            assertThatThrownBy(() -> q.read(10, 5).block(T)).isInstanceOf(BlockIoException.class)
                    .hasMessage("read " + file + " at offset 10 (5 bytes): EOF (file size 10)")
                    .matches(e -> ((BlockIoException) e).isEndOfFile());
            assertThatThrownBy(() -> q.read(-1, 5).block(T)).hasMessageContaining("offset must be >= 0");
            assertThatThrownBy(() -> q.read(0, 2 << 20).block(T)).hasMessageContaining("length must be between 1 and 1048576");
        }
    }

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void aReadOnlyDeviceRefusesWritesClearly(BlockProtocol protocol) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("ro");
        Files.write(file, new byte[4096]);
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().readOnly(true))) {
            BlockQueue q = dev.queue(loop);
            assertThatThrownBy(() -> q.write(0, segmentOf(new byte[10], 0, 10)).block(T))
                    .isInstanceOf(BlockIoException.class)
                    .hasMessage("write " + file + " at offset 0 (10 bytes): EBADF (9) - the device was opened read-only");
            assertThatThrownBy(() -> q.writeZeroes(0, 100).block(T)).hasMessageContaining("opened read-only");
            assertThat(bytes(q.read(0, 16).block(T))).hasSize(16);
        }
        assertThatThrownBy(() -> BlockDevice.open(protocol, dir.resolve("missing"), BlockOptions.defaults()))
                .isInstanceOf(BlockIoException.class).hasMessageContaining("missing").hasMessageContaining("ENOENT");
    }

    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void durableWritesFlushZeroesDiscardAndStreams(BlockProtocol protocol) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("durable");
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().create(true).durable(true))) {
            BlockQueue q = dev.queue(loop);
            byte[] content = new byte[3_000_000];
            new Random(8).nextBytes(content);
            List<Segment> parts = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                parts.add(segmentOf(content, i * 100_000, 100_000));
            }
            Flux<Segment> chunks = Flux.fromIterable(parts);
            Completion c = q.writeStream(chunks, 0).block(T);
            assertThat(c.bytes()).isEqualTo(content.length);
            assertThat(c.messages()).isEqualTo(30);
            q.flush().block(T);
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
            byte[] streamed = q.readStream(0, Long.MAX_VALUE, 65_536).map(BlockDeviceTest::bytes)
                    .reduce(new java.io.ByteArrayOutputStream(), (out, b) -> {
                        out.writeBytes(b);
                        return out;
                    }).block(T).toByteArray();
            assertThat(streamed).isEqualTo(content);
            q.writeZeroes(10_000, 20_000).block(T);
            q.discard(1 << 20, 1 << 20).block(T);
            byte[] after = Files.readAllBytes(file);
            assertThat(Arrays.copyOfRange(after, 10_000, 30_000)).containsOnly((byte) 0);
            assertThat(Arrays.copyOfRange(after, 1 << 20, 2 << 20)).containsOnly((byte) 0);
            assertThat(Arrays.copyOfRange(after, 0, 10_000)).isEqualTo(Arrays.copyOfRange(content, 0, 10_000));
            assertThat(after).hasSize(content.length);
        }
    }

    /**
     * A device closed with 64 reads just queued (their SQEs not even submitted yet, or waiting for
     * a pool thread): the descriptor stays open until the last of them completed, then closes.
     * Before, close() closed the number at once and queued operations ran on whatever the next
     * open was handed.
     */
    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void closingWithReadsUnderWayKeepsTheDescriptorUntilTheyComplete(BlockProtocol protocol) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("close-under-way");
        Files.write(file, new byte[1 << 20]);
        for (int round = 0; round < 20; round++) {
            BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().queueDepth(16));
            BlockQueue q = dev.queue(loop);
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            boolean openRightAfterClose = Mono.fromCallable(() -> {
                for (int i = 0; i < 64; i++) {
                    q.read((long) i * 4096, 4096, (data, error) -> {
                        if (data != null) {
                            data.release();
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet(); // queued past the depth: refused once closed
                        }
                    });
                }
                dev.close();
                return descriptorOpen(dev);
            }).subscribeOn(loop).block(T);
            assertThat(openRightAfterClose).as("descriptor open while 16 reads are under way").isTrue();
            for (int i = 0; i < 500 && !dev.descriptorClosed(); i++) {
                Thread.sleep(5);
            }
            assertThat(dev.descriptorClosed()).as("closed once they completed").isTrue();
            for (int i = 0; i < 500 && done.get() + failed.get() < 64; i++) {
                Thread.sleep(5);
            }
            assertThat(done.get() + failed.get()).isEqualTo(64);
            assertThat(done.get()).as("the reads under way at the close completed").isGreaterThanOrEqualTo(16);
        }
    }

    private static boolean descriptorOpen(BlockDevice device) {
        return !device.descriptorClosed()
                && dev.evpl.reactive.core.internal.nativeio.Native.LIBC.fcntl(device.fd(), 3 /* F_GETFL */, 0) >= 0;
    }

    @Test
    void aStreamReadsOnlyAsFarAsDemandAllows() throws Exception {
        Path file = dir.resolve("stream");
        Files.write(file, new byte[64 << 20]);
        try (BlockDevice dev = BlockDevice.open(BlockProtocol.preferred(), file, BlockOptions.defaults())) {
            BlockQueue q = dev.queue(loop);
            java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
            reactor.core.publisher.BaseSubscriber<Segment> slow = new reactor.core.publisher.BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                    s.request(2);
                }

                @Override
                protected void hookOnNext(Segment s) {
                    s.release();
                    got.incrementAndGet();
                }
            };
            q.readStream(0, 64 << 20, 1 << 20).subscribe(slow);
            Thread.sleep(300);
            assertThat(got.get()).isEqualTo(2);
            assertThat(dev.size()).isEqualTo(64 << 20);
            slow.dispose(); // cancel: chunks read ahead are released (the leak detector checks)
        }
    }

    /** Enters that carry submissions for one pass of 32 reads. */
    long submittingEntersForOnePass() {
        return 1;
    }

    @Test
    void ioUringSubmitsAPassWorthOfOperationsWithOneSystemCall() throws Exception {
        assumeAvailable(BlockProtocol.IO_URING);
        Path file = dir.resolve("batch");
        Files.write(file, new byte[1 << 20]);
        try (BlockDevice dev = BlockDevice.open(BlockProtocol.IO_URING, file, BlockOptions.defaults())) {
            BlockQueue q = dev.queue(loop);
            q.read(0, 10).map(BlockDeviceTest::bytes).block(T); // creates the loop's ring
            long[] before = Mono.fromCallable(() -> new long[] {LoopRing.of(loop).submittingEnterCount(), LoopRing.of(loop).submittedCount()})
                    .subscribeOn(loop).block(T);
            // 32 reads issued from one loop task: one pass, one io_uring_enter submits them all (the
            // loop waits in the ring: its other enters of the period only wait or reap).
            List<byte[]> all = Mono.defer(() -> Flux.range(0, 32).flatMap(i -> q.read(i * 4096L, 4096)).map(BlockDeviceTest::bytes)
                    .collectList()).subscribeOn(loop).block(T);
            assertThat(all).hasSize(32);
            long[] after = Mono.fromCallable(() -> new long[] {LoopRing.of(loop).submittingEnterCount(), LoopRing.of(loop).submittedCount()})
                    .subscribeOn(loop).block(T);
            assertThat(after[1] - before[1]).isEqualTo(32);
            assertThat(after[0] - before[0]).as("io_uring_enter calls for 32 submissions").isEqualTo(submittingEntersForOnePass());
            String[] fixed = Mono.fromCallable(() -> new String[] {String.valueOf(LoopRing.of(loop).fixedBufferCount()),
                    String.valueOf(LoopRing.of(loop).fixedBufferProblem())}).subscribeOn(loop).block(T);
            assumeTrue(Integer.parseInt(fixed[0]) > 0, () -> "no fixed buffers here: " + fixed[1]);
            assertThat(UringBackend.FIXED_OPS.sum()).as("reads into pooled memory use READ_FIXED").isGreaterThanOrEqualTo(32);
        }
    }

    @Test
    void submitEachHandsEveryOperationToTheKernelAsItIsIssued() throws Exception {
        assumeAvailable(BlockProtocol.IO_URING);
        assertThat(BlockOptions.defaults().submitEach()).as("buffered: batched by default").isFalse();
        assertThat(BlockOptions.defaults().direct(true).submitEach()).as("O_DIRECT: each by default").isTrue();
        assertThat(BlockOptions.defaults().direct(true).submitEach(false).submitEach()).isFalse();
        assertThat(BlockOptions.defaults().submitEach(true).direct(false).submitEach()).as("set, it stays set").isTrue();
        Path file = dir.resolve("each");
        byte[] content = new byte[1 << 20];
        new Random(9).nextBytes(content);
        Files.write(file, content);
        try (BlockDevice dev = BlockDevice.open(BlockProtocol.IO_URING, file, BlockOptions.defaults().submitEach(true))) {
            BlockQueue q = dev.queue(loop);
            q.read(0, 10).map(BlockDeviceTest::bytes).block(T); // creates the loop's ring
            long before = Mono.fromCallable(() -> LoopRing.of(loop).submittingEnterCount()).subscribeOn(loop).block(T);
            // The same 32 reads from one loop task as above: now one enter each, as they are issued.
            List<byte[]> all = Mono.defer(() -> Flux.range(0, 32).flatMapSequential(i -> q.read(i * 4096L, 4096)).map(BlockDeviceTest::bytes)
                    .collectList()).subscribeOn(loop).block(T);
            long after = Mono.fromCallable(() -> LoopRing.of(loop).submittingEnterCount()).subscribeOn(loop).block(T);
            for (int i = 0; i < 32; i++) {
                assertThat(all.get(i)).isEqualTo(Arrays.copyOfRange(content, i * 4096, (i + 1) * 4096));
            }
            // With SQPOLL the kernel's thread takes every submission: no enter either way.
            long expected = submittingEntersForOnePass() == 0 ? 0 : 32;
            assertThat(after - before).as("io_uring_enter calls that submitted 32 reads issued one after another")
                    .isEqualTo(expected);
        }
    }

    @Test
    void ioUringRegistersTheDescriptorOncePerLoopAndLetsGoOnClose() throws Exception {
        assumeAvailable(BlockProtocol.IO_URING);
        Path file = dir.resolve("registered");
        byte[] data = new byte[256 * 1024];
        new Random(3).nextBytes(data);
        Files.write(file, data);
        BlockDevice dev = BlockDevice.open(BlockProtocol.IO_URING, file, BlockOptions.defaults());
        BlockQueue q = dev.queue(loop);
        long before = UringBackend.FIXED_FILE_OPS.sum();
        List<byte[]> all = Flux.range(0, 64).flatMap(i -> q.read(i * 4096L, 4096), 16).map(BlockDeviceTest::bytes)
                .collectList().block(T);
        assertThat(all).hasSize(64);
        String[] state = Mono.fromCallable(() -> new String[] {String.valueOf(LoopRing.of(loop).registeredFileCount()),
                String.valueOf(LoopRing.of(loop).registeredFileProblem())}).subscribeOn(loop).block(T);
        assumeTrue(Integer.parseInt(state[0]) > 0, () -> "no registered files here: " + state[1]);
        assertThat(state[0]).as("one registered file for the device on this loop").isEqualTo("1");
        assertThat(UringBackend.FIXED_FILE_OPS.sum() - before).as("reads naming the registered slot").isGreaterThanOrEqualTo(64);
        // in order, the content read through the registered file is the file's
        byte[] back = Flux.range(0, 64).concatMap(i -> q.read(i * 4096L, 4096)).map(BlockDeviceTest::bytes)
                .reduce(new java.io.ByteArrayOutputStream(), (out, b) -> {
                    out.writeBytes(b);
                    return out;
                }).block(T).toByteArray();
        assertThat(back).isEqualTo(data);
        dev.close();
        long deadline = System.nanoTime() + T.toNanos();
        int left;
        do {
            left = Mono.fromCallable(() -> LoopRing.of(loop).registeredFileCount()).subscribeOn(loop).block(T);
        } while (left != 0 && System.nanoTime() < deadline);
        assertThat(left).as("the slot is given back when the device closes").isZero();
    }

    /**
     * More reads at once than the ring has entries: those beyond wait for room in the ring (each
     * with its own SQE preparer; the ones that start at once share one). Every read gets its own
     * offset's bytes.
     */
    @Test
    void readsBeyondTheRingsEntriesWaitForRoomAndKeepTheirOwnOffsets() throws Exception {
        assumeAvailable(BlockProtocol.IO_URING);
        Path file = dir.resolve("small-ring");
        byte[] data = new byte[512 * 1024];
        new Random(11).nextBytes(data);
        Files.write(file, data);
        try (EventLoopGroup small = EventLoopGroup.create(GroupConfig.builder().threads(1)
                .loopConfig(dev.evpl.reactive.core.LoopConfig.builder().uring(dev.evpl.reactive.core.UringConfig.builder().entries(8).build()).build()).build());
             BlockDevice dev = BlockDevice.open(BlockProtocol.IO_URING, file, BlockOptions.defaults().queueDepth(64))) {
            BlockQueue q = dev.queue(small.loop(0));
            int reads = 256;
            int size = 2048;
            List<byte[]> got = Mono.defer(() -> Flux.range(0, reads)
                    .flatMapSequential(i -> q.read((long) i * size, size).map(BlockDeviceTest::bytes), reads)
                    .collectList()).subscribeOn(small.loop(0)).block(T);
            for (int i = 0; i < reads; i++) {
                assertThat(got.get(i)).as("read %d", i).isEqualTo(Arrays.copyOfRange(data, i * size, (i + 1) * size));
            }
            int waited = Mono.fromCallable(() -> LoopRing.of(small.loop(0)).waiting()).subscribeOn(small.loop(0)).block(T);
            assertThat(waited).as("nothing left waiting").isZero();
        }
    }

    /**
     * The loop-level callback forms (no Mono per operation): 200 writes through a depth of 4 (most
     * wait their turn), then read back with callback reads and compared; a read-only device answers
     * a callback write with its error, through the callback.
     */
    @ParameterizedTest
    @EnumSource(BlockProtocol.class)
    void callbackWritesAndReadsKeepTheirBytesAndReportErrorsThroughTheCallback(BlockProtocol protocol) throws Exception {
        assumeAvailable(protocol);
        Path file = dir.resolve("callbacks");
        byte[] data = new byte[200 * 1000];
        new Random(5).nextBytes(data);
        try (BlockDevice dev = BlockDevice.open(protocol, file, BlockOptions.defaults().create(true).queueDepth(4))) {
            BlockQueue q = dev.queue(loop);
            java.util.concurrent.CompletableFuture<Long> written = new java.util.concurrent.CompletableFuture<>();
            loop.execute(() -> {
                long[] total = {0};
                int[] left = {200};
                for (int i = 0; i < 200; i++) {
                    Segment s = loop.allocator().allocate(1000);
                    s.setBytes(0, data, i * 1000, 1000);
                    q.write(i * 1000L, s, (bytes, e) -> {
                        if (e != null) {
                            written.completeExceptionally(e);
                        }
                        total[0] += bytes;
                        if (--left[0] == 0) {
                            written.complete(total[0]);
                        }
                    });
                }
            });
            assertThat(written.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200_000L);
            java.util.concurrent.CompletableFuture<byte[]> back = new java.util.concurrent.CompletableFuture<>();
            loop.execute(() -> {
                byte[] all = new byte[data.length];
                int[] left = {200};
                for (int i = 0; i < 200; i++) {
                    int at = i * 1000;
                    q.read(at, 1000, (s, e) -> {
                        if (e != null) {
                            back.completeExceptionally(e);
                            return;
                        }
                        s.getBytes(0, all, at, s.readableBytes());
                        s.release();
                        if (--left[0] == 0) {
                            back.complete(all);
                        }
                    });
                }
            });
            assertThat(back.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(data);
        }
        try (BlockDevice ro = BlockDevice.open(protocol, file, BlockOptions.defaults().readOnly(true))) {
            BlockQueue q = ro.queue(loop);
            java.util.concurrent.CompletableFuture<Throwable> refused = new java.util.concurrent.CompletableFuture<>();
            loop.execute(() -> q.write(0, loop.allocator().allocate(10), (bytes, e) -> refused.complete(e)));
            assertThat(refused.get(30, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(BlockIoException.class)
                    .hasMessageContaining("read-only");
        }
    }
}
