package dev.evpl.reactive.core.framing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.evpl.reactive.core.buffer.BufferPool;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Coverage-guided fuzzing of every {@link SegmentFunction} through the framing operator: any
 * function configuration, any bytes, any cutting into segments. The operator either emits frames
 * whose concatenation is exactly a prefix of the input (nothing lost, reordered or invented), or
 * fails with a {@link FramingException}; never another exception, never a leaked segment
 * (paranoid leak detection fails the test). Seeds in {@code SegmentFunctionsFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes (docs/fuzzing.md).
 */
class SegmentFunctionsFuzzTest {
    private static final SegmentAllocator ALLOC = new SegmentAllocator(BufferPool.global());

    /** Gives the allocator's buffer back: later suites in this JVM measure the pool's memory in use. */
    @org.junit.jupiter.api.AfterAll
    static void closeAllocator() {
        ALLOC.close();
    }

    private static SegmentFunction function(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 4)) {
            case 0:
                return SegmentFunction.fixedLength(data.consumeInt(1, 300));
            case 1: {
                int[] widths = {1, 2, 3, 4, 8};
                int width = widths[data.consumeInt(0, 4)];
                int offset = data.consumeInt(0, 8);
                return SegmentFunction.lengthField(offset, width, data.consumeBoolean() ? ByteOrder.BIG_ENDIAN
                        : ByteOrder.LITTLE_ENDIAN, data.consumeInt(-16, 16), offset + width + data.consumeInt(1, 5000));
            }
            case 2:
                return SegmentFunction.length32(data.consumeInt(5, 5000));
            case 3: {
                byte[] d = data.consumeBytes(1 + data.consumeInt(0, 3));
                return d.length == 0 ? SegmentFunction.line(100) : SegmentFunction.delimiter(d, d.length + data.consumeInt(0, 500));
            }
            default:
                return SegmentFunction.line(data.consumeInt(1, 500));
        }
    }

    @FuzzTest(maxDuration = "90s")
    void framesAreAPrefixOfTheInputOrTheStreamIsRejected(FuzzedDataProvider data) {
        SegmentFunction fn = function(data);
        int[] cuts = new int[1 + data.consumeInt(0, 6)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 700);
        }
        byte[] bytes = data.consumeRemainingAsBytes();
        List<Segment> chunks = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < cuts.length && at < bytes.length; i++) {
            int n = i == cuts.length - 1 ? bytes.length - at : Math.min(cuts[i], bytes.length - at);
            Segment s = ALLOC.allocate(n);
            s.setBytes(0, bytes, at, n);
            chunks.add(s);
            at += n;
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        Throwable[] error = new Throwable[1];
        Flux.fromIterable(chunks).transform(Framing.frames(fn))
                .doOnNext(frame -> {
                    try {
                        assertThat(frame.readableBytes()).isPositive();
                        framed.writeBytes(frame.toByteArray());
                    } finally {
                        frame.release();
                    }
                })
                .onErrorResume(e -> {
                    error[0] = e;
                    return Flux.empty();
                })
                // A rejection cancels upstream: chunks never delivered are discarded, so released here
                // (a bind's receive publisher does the same for what it read and did not deliver).
                .doOnDiscard(Segment.class, s -> {
                    if (s.refCnt() > 0) {
                        s.release();
                    }
                })
                .blockLast(Duration.ofSeconds(10));
        if (error[0] != null) {
            assertThat(error[0]).as("%s", fn).isInstanceOf(FramingException.class);
            assertThat(error[0].getMessage()).isNotBlank();
        }
        byte[] out = framed.toByteArray();
        assertThat(out.length).isLessThanOrEqualTo(bytes.length);
        for (int i = 0; i < out.length; i++) {
            if (out[i] != bytes[i]) {
                throw new AssertionError("frame byte " + i + " differs from the input (" + fn + ")");
            }
        }
    }
}
