package dev.evpl.reactive.core.internal.uring;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The table of operations the kernel holds for one ring: a slot per operation, named in its SQE's
 * user data as {@code slot | generation << 32}, so a stale user data (a late cancel's target, a
 * repeated CQE) matches nothing once the slot was freed. It grows: multishot operations (one receive
 * per connection, an accept per listener, the epoll poll) hold a slot each while armed, so their
 * number follows the connections, not the ring's size. Loop-confined.
 */
final class RingSlots {
    private LoopRing.Completion[] handlers = new LoopRing.Completion[0];
    /** Per slot: bumped when the slot is freed. */
    private int[] generation = new int[0];
    /** Per slot: held by a multishot operation. */
    private boolean[] multishot = new boolean[0];
    private int[] free = new int[0];
    private int freeCount;

    RingSlots(int initial) {
        grow(initial);
    }

    private void grow(int n) {
        int old = handlers.length;
        int size = old + n;
        handlers = Arrays.copyOf(handlers, size);
        generation = Arrays.copyOf(generation, size);
        multishot = Arrays.copyOf(multishot, size);
        int[] f = Arrays.copyOf(free, size);
        for (int i = size - 1; i >= old; i--) {
            f[freeCount++] = i;
        }
        free = f;
    }

    /** Takes a slot for {@code done} (growing the table when full); returns the SQE's user data. */
    long take(LoopRing.Completion done, boolean multi) {
        if (freeCount == 0) {
            grow(handlers.length);
        }
        int slot = free[--freeCount];
        handlers[slot] = done;
        multishot[slot] = multi;
        return slot | ((long) generation[slot] << 32);
    }

    /** The completion a CQE's user data names, or null when its slot was freed since. */
    LoopRing.Completion lookup(long userData) {
        int slot = (int) userData;
        LoopRing.Completion c = handlers[slot];
        return c == null || (int) (userData >>> 32) != generation[slot] ? null : c;
    }

    /** Frees the slot of {@code userData} (from {@link #lookup}); returns whether a multishot held it. */
    boolean release(long userData) {
        int slot = (int) userData;
        handlers[slot] = null;
        generation[slot]++;
        free[freeCount++] = slot;
        return multishot[slot];
    }

    /** Empties the table, handing every held completion to {@code each} (the ring is closing). */
    void drain(Consumer<LoopRing.Completion> each) {
        for (int i = 0; i < handlers.length; i++) {
            LoopRing.Completion c = handlers[i];
            if (c != null) {
                handlers[i] = null;
                each.accept(c);
            }
        }
    }
}
