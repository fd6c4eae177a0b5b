package dev.evpl.reactive.core;

/**
 * Something another thread hands to a loop through its intrusive MPSC stack (tasks, doorbell
 * rings, timer arming). Intrusive so that a hand-over allocates no queue node: a node is in at
 * most one loop's stack at a time.
 */
abstract class LoopNode {
    /** Written by the pushing thread before the CAS that publishes the node. */
    LoopNode remoteNext;

    /** Runs on the loop thread once the node was taken off the stack. */
    abstract void runOnLoop();
}
