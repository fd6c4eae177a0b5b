package dev.evpl.reactive.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * State a transport or module keeps per event loop (its ring, its socket registry), held by the
 * loop itself: it lives and dies with the loop, so no static map outlives a disposed loop, and a
 * lookup is an array read. Like a {@code ThreadLocal} keyed by loop.
 *
 * <p>Threads: {@link #get} creates a missing value on the loop's thread only (the initializer may
 * touch loop-confined state; elsewhere it throws) and returns an existing one on any thread;
 * {@link #peek} reads from any thread (a racy but safe read of a published value). Declare instances as {@code static final}: each takes a slot in every loop.
 */
public final class LoopLocal<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final int index = NEXT.getAndIncrement();
    private final String name;
    private final Function<EventLoop, ? extends T> initial;

    private LoopLocal(String name, Function<EventLoop, ? extends T> initial) {
        this.name = Objects.requireNonNull(name, "name");
        this.initial = Objects.requireNonNull(initial, "initial");
    }

    /** A per-loop value named {@code name} (for messages), created by {@code initial} on first {@link #get}. */
    public static <T> LoopLocal<T> withInitial(String name, Function<EventLoop, ? extends T> initial) {
        return new LoopLocal<>(name, initial);
    }

    /** The value of {@code loop}, created on first use (on the loop's thread only). */
    @SuppressWarnings("unchecked")
    public T get(EventLoop loop) {
        Object[] values = loop.locals;
        if (index < values.length && values[index] != null) {
            return (T) values[index];
        }
        loop.checkInLoop("LoopLocal(" + name + ").get");
        T value = Objects.requireNonNull(initial.apply(loop), () -> "LoopLocal " + name + ": the initializer returned null");
        Object[] now = loop.locals; // the initializer may have added other values meanwhile
        Object[] grown = index < now.length ? now.clone() : Arrays.copyOf(now, Math.max(index + 1, now.length * 2));
        grown[index] = value;
        loop.locals = grown; // a volatile write publishes the value to peek() on other threads
        return value;
    }

    /** The value of {@code loop} if it was created, else null. Any thread. */
    @SuppressWarnings("unchecked")
    public T peek(EventLoop loop) {
        Object[] values = loop.locals;
        return index < values.length ? (T) values[index] : null;
    }

    /** Forgets the value of {@code loop} (its owner released it). Loop thread only. */
    public void remove(EventLoop loop) {
        loop.checkInLoop("LoopLocal(" + name + ").remove");
        Object[] now = loop.locals;
        if (index < now.length && now[index] != null) {
            Object[] copy = now.clone();
            copy[index] = null;
            loop.locals = copy;
        }
    }

    @Override
    public String toString() {
        return "LoopLocal[" + name + ']';
    }
}
