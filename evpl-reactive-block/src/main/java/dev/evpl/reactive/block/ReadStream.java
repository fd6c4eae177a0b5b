package dev.evpl.reactive.block;

import dev.evpl.reactive.core.buffer.Segment;
import java.util.ArrayDeque;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * {@link BlockQueue#readStream}: chunked reads of a range, delivered in order. Reads in flight plus
 * chunks waiting for delivery never exceed the outstanding demand (nor the window), so an idle
 * subscriber stops the reads. Loop-confined after the first hop; cancel releases every chunk read
 * ahead, and chunks still in flight are released when they land.
 */
final class ReadStream extends Flux<Segment> {
    private final BlockQueue queue;
    private final long start;
    private final long end;
    private final int chunk;
    private final int window;

    ReadStream(BlockQueue queue, long start, long end, int chunk, int window) {
        this.queue = queue;
        this.start = start;
        this.end = end;
        this.chunk = chunk;
        this.window = window;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Segment> actual) {
        if (queue.device().isClosed()) {
            // fails at once, without waiting for demand (rule 1.9): nothing could ever be read
            Operators.error(actual, new IllegalStateException("block device closed: " + queue.device().path()));
            return;
        }
        actual.onSubscribe(new Reader(actual));
    }

    /** One chunk's place in delivery order. */
    private static final class Slot {
        Segment data;
        boolean landed;
    }

    private final class Reader implements Subscription {
        private final CoreSubscriber<? super Segment> actual;
        private final ArrayDeque<Slot> slots = new ArrayDeque<>();
        private long next = start;
        private long demand;
        private boolean cancelled;
        private boolean done;

        Reader(CoreSubscriber<? super Segment> actual) {
            this.actual = actual;
        }

        private void onLoop(Runnable r) {
            // Refused only when the loop is gone: nothing is read any more, say so once.
            queue.loop().execute(r, () -> {
                if (!done && !cancelled) {
                    done = true;
                    actual.onError(new IllegalStateException("the queue's event loop is disposed"));
                }
            });
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                onLoop(() -> {
                    demand = Operators.addCap(demand, n);
                    drain();
                });
            }
        }

        @Override
        public void cancel() {
            onLoop(() -> {
                cancelled = true;
                for (Slot s : slots) {
                    if (s.data != null) {
                        s.data.release();
                        s.data = null;
                    }
                }
            });
        }

        private void drain() {
            if (cancelled || done) {
                return;
            }
            // Deliver what landed, in order.
            while (demand > 0 && !slots.isEmpty() && slots.peek().landed) {
                Slot s = slots.poll();
                demand--;
                actual.onNext(s.data);
                s.data = null;
                if (cancelled) {
                    return;
                }
            }
            // Start reads while demand exceeds what is already under way.
            while (next < end && slots.size() < window && slots.size() < demand) {
                long at = next;
                int n = (int) Math.min(chunk, end - at);
                next += n;
                Slot slot = new Slot();
                slots.add(slot);
                queue.admitRead(at, n, (data, error) -> landed(slot, data, error));
            }
            if (next >= end && slots.isEmpty()) {
                done = true;
                actual.onComplete();
            }
        }

        private void landed(Slot slot, Segment data, Throwable error) {
            if (cancelled || done) {
                if (data != null) {
                    data.release();
                }
                return;
            }
            if (error != null) {
                done = true;
                for (Slot s : slots) {
                    if (s.data != null) {
                        s.data.release();
                        s.data = null;
                    }
                }
                actual.onError(error);
                return;
            }
            slot.data = data;
            slot.landed = true;
            drain();
        }
    }
}
