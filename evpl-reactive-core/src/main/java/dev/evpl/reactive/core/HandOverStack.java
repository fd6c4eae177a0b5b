package dev.evpl.reactive.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The intrusive lock-free stack through which other threads hand work to a loop: tasks and
 * doorbells are themselves the nodes ({@link LoopNode#remoteNext}), so a push allocates nothing.
 * Any thread pushes; only the loop takes, the whole stack at once, and reverses it into arrival
 * order.
 */
final class HandOverStack {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(HandOverStack.class, "head", LoopNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile LoopNode head;

    /** Any thread: pushes {@code node}; returns whether the stack was empty (the one push that must wake the loop). */
    boolean push(LoopNode node) {
        LoopNode h;
        do {
            h = head;
            node.remoteNext = h;
        } while (!HEAD.compareAndSet(this, h, node));
        return h == null;
    }

    /** Whether nodes wait (one volatile read). */
    boolean isEmpty() {
        return head == null;
    }

    /** Loop: takes every node, oldest first, linked through {@code remoteNext}; null when empty. */
    LoopNode takeInOrder() {
        LoopNode node = (LoopNode) HEAD.getAndSet(this, null);
        LoopNode fifo = null;
        while (node != null) {
            LoopNode next = node.remoteNext;
            node.remoteNext = fifo;
            fifo = node;
            node = next;
        }
        return fifo;
    }

    /** Disposes every node without running it (a released loop runs none); any thread. */
    void disposeAll() {
        LoopNode node = (LoopNode) HEAD.getAndSet(this, null);
        while (node != null) {
            LoopNode next = node.remoteNext;
            node.remoteNext = null;
            dispose(node);
            node = next;
        }
    }

    /** Drops one queued node: a doorbell is closed, a task disposed (its ifDropped runs). */
    static void dispose(LoopNode node) {
        if (node instanceof Doorbell) {
            ((Doorbell) node).close();
        } else if (node instanceof LoopTask) {
            ((LoopTask) node).dispose();
        }
    }
}
