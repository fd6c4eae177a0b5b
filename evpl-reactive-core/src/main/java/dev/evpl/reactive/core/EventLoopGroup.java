package dev.evpl.reactive.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * N event loops on N threads ({@code evpl-loop-0} … by default), each a pinned {@link Scheduler};
 * the group itself is a {@code Scheduler} that hands each task or worker to the next loop in turn.
 *
 * <p>Thread-safety: every method is safe from any thread. {@link #create} and {@link #close()}
 * block (thread start and join) and must not be called on a loop thread.
 */
public final class EventLoopGroup implements Scheduler, AutoCloseable {
    private final GroupConfig config;
    private final EventLoop[] loops;
    private final List<EventLoop> loopList;
    private final LoopThread[] threads;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoopGroup(GroupConfig config, EventLoop[] loops, LoopThread[] threads) {
        this.config = config;
        this.loops = loops;
        this.loopList = Collections.unmodifiableList(java.util.Arrays.asList(loops));
        this.threads = threads;
    }

    /** A group with {@link GroupConfig} defaults. Blocks until every loop runs. */
    public static EventLoopGroup create() {
        return create(GroupConfig.builder().build());
    }

    /** A group of {@code threads} loops, otherwise defaults. Blocks until every loop runs. */
    public static EventLoopGroup create(int threads) {
        return create(GroupConfig.builder().threads(threads).build());
    }

    /**
     * Starts the group's threads and returns once every loop is running. If a loop cannot be created
     * (for example: no epoll, or CPU affinity refused), the ones already started are stopped and the
     * first error is thrown.
     */
    public static EventLoopGroup create(GroupConfig config) {
        Objects.requireNonNull(config, "config");
        int n = config.threads();
        LoopThread[] threads = new LoopThread[n];
        List<CompletableFuture<EventLoop>> created = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CompletableFuture<EventLoop> f = new CompletableFuture<>();
            created.add(f);
            threads[i] = new LoopThread(config, i, f);
            threads[i].start();
        }
        EventLoop[] loops = new EventLoop[n];
        RuntimeException failure = null;
        for (int i = 0; i < n; i++) {
            try {
                loops[i] = created.get(i).join();
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (failure == null) {
                    failure = cause instanceof RuntimeException ? (RuntimeException) cause
                            : new IllegalStateException("loop " + i + " failed to start", cause);
                }
            }
        }
        if (failure != null) {
            for (EventLoop loop : loops) {
                if (loop != null) {
                    loop.dispose();
                }
            }
            throw failure;
        }
        return new EventLoopGroup(config, loops, threads);
    }

    /** The group's configuration. */
    public GroupConfig config() {
        return config;
    }

    /** The loops, in thread order (an unmodifiable list). */
    public List<EventLoop> loops() {
        return loopList;
    }

    /** Loop {@code index}. */
    public EventLoop loop(int index) {
        return loops[index];
    }

    /** The number of loops. */
    public int size() {
        return loops.length;
    }

    /** The next loop in round-robin order. */
    public EventLoop next() {
        int n = loops.length;
        return n == 1 ? loops[0] : loops[Math.floorMod(next.getAndIncrement(), n)];
    }

    @Override
    public Disposable schedule(Runnable task) {
        return next().schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return next().schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return next().schedulePeriodically(task, initialDelay, period, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return loops[0].now(unit);
    }

    /** A worker on the next loop: all its tasks run on that one loop, in order. */
    @Override
    public Worker createWorker() {
        return next().createWorker();
    }

    /** Disposes every loop (non-blocking); threads end once their loop is released. */
    @Override
    public void dispose() {
        for (EventLoop loop : loops) {
            loop.dispose();
        }
    }

    /** Disposes every loop gracefully; completes when all are released. */
    @Override
    public Mono<Void> disposeGracefully() {
        return Flux.fromArray(loops).flatMap(EventLoop::disposeGracefully).then();
    }

    @Override
    public boolean isDisposed() {
        for (EventLoop loop : loops) {
            if (!loop.isDisposed()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Disposes the group and waits up to 10 seconds for its threads to end. Blocking: not for loop
     * threads. Throws {@link IllegalStateException} when a thread did not end in time.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** Disposes the group and waits up to {@code timeout} for its threads to end. Blocking. */
    public void close(Duration timeout) {
        if (Thread.currentThread() instanceof LoopThread) {
            throw new IllegalStateException("EventLoopGroup.close() blocks: call it off the loop threads, or use dispose()");
        }
        dispose();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LoopThread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while closing " + this, e);
            }
            if (t.isAlive()) {
                throw new IllegalStateException("loop thread " + t.getName() + " did not end within " + timeout);
            }
        }
    }

    @Override
    public String toString() {
        return "EventLoopGroup[" + config.threadNamePrefix() + " x" + loops.length + ']';
    }
}
