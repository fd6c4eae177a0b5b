package dev.evpl.reactive.core;

import java.util.Arrays;

/**
 * Binary min-heap of {@link TimerNode}s by (deadline, arming order). Each node knows its index,
 * so removal is O(log n). Loop-confined; allocates only when it grows.
 */
final class TimerHeap {
    private TimerNode[] heap = new TimerNode[64];
    private int size;
    private long seq;
    private TimerNode[] due = new TimerNode[16];

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest node, or null. */
    TimerNode peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerNode node) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        node.seq = ++seq;
        int i = size++;
        heap[i] = node;
        node.heapIndex = i;
        siftUp(i);
    }

    /** Removes and returns the earliest node; its index is left to the caller to set. */
    TimerNode poll() {
        TimerNode top = heap[0];
        removeAt(0);
        return top;
    }

    /**
     * Fires every node due at {@code now}, in (deadline, arming order). The due set is taken first,
     * so a timer armed by a callback of this pass fires in a later one even if due already (no
     * starvation; a period shorter than a pass cannot loop forever). Periodic nodes are re-armed
     * when {@code rearm}. Returns how many fired.
     */
    int fireDue(long now, boolean rearm, EventLoop loop) {
        int n = 0;
        TimerNode top;
        while ((top = peek()) != null && top.deadline - now <= 0) {
            poll();
            top.heapIndex = TimerNode.DUE;
            if (n == due.length) {
                due = Arrays.copyOf(due, n * 2);
            }
            due[n++] = top;
        }
        for (int i = 0; i < n; i++) {
            TimerNode node = due[i];
            due[i] = null;
            if (node.heapIndex != TimerNode.DUE) {
                continue; // cancelled or re-armed by an earlier callback of this pass
            }
            boolean periodic = node.interval > 0;
            node.heapIndex = periodic ? TimerNode.FIRING : TimerNode.IDLE;
            try {
                node.fire();
            } catch (Throwable t) {
                loop.reportTaskError(t);
            }
            if (periodic && node.heapIndex == TimerNode.FIRING && rearm) {
                long next = node.deadline + Math.min(node.interval, TimerNode.MAX_DELAY);
                node.deadline = next - now < 0 ? now : next;
                add(node);
            } else if (node.heapIndex == TimerNode.FIRING) {
                node.heapIndex = TimerNode.IDLE;
            }
        }
        return n;
    }

    /** Removes {@code node} if it is in this heap; sets its index to {@link TimerNode#IDLE}. */
    void remove(TimerNode node) {
        int i = node.heapIndex;
        if (i >= 0 && i < size && heap[i] == node) {
            removeAt(i);
            node.heapIndex = TimerNode.IDLE;
        }
    }

    /** Drops every cancelled node (used after cancellations from other threads): filter, then heapify. */
    int purgeCancelled() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            TimerNode node = heap[i];
            if (node.isCancelled()) {
                node.heapIndex = TimerNode.IDLE;
            } else {
                heap[kept] = node;
                node.heapIndex = kept++;
            }
        }
        int removed = size - kept;
        Arrays.fill(heap, kept, size, null);
        size = kept;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
        return removed;
    }

    /** Empties the heap, returning the nodes (for close). */
    TimerNode[] drain() {
        TimerNode[] all = Arrays.copyOf(heap, size);
        Arrays.fill(heap, 0, size, null);
        size = 0;
        for (TimerNode n : all) {
            n.heapIndex = TimerNode.IDLE;
        }
        return all;
    }

    private void removeAt(int i) {
        int last = --size;
        TimerNode moved = heap[last];
        heap[last] = null;
        if (i != last) {
            heap[i] = moved;
            moved.heapIndex = i;
            siftDown(i);
            if (heap[i] == moved) {
                siftUp(i);
            }
        }
    }

    private static boolean less(TimerNode a, TimerNode b) {
        long d = a.deadline - b.deadline; // wrap-safe: deadlines lie within MAX_DELAY of each other
        return d < 0 || (d == 0 && a.seq < b.seq);
    }

    private void siftUp(int i) {
        TimerNode node = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerNode p = heap[parent];
            if (!less(node, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = node;
        node.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerNode node = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerNode c = heap[child];
            int right = child + 1;
            if (right < size && less(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!less(c, node)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = node;
        node.heapIndex = i;
    }
}
