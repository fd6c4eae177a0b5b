package dev.evpl.reactive.block;

/**
 * The result of one block operation, delivered on the queue's loop: bytes done, or -errno. The
 * block module's own callback type: a {@link BlockBackend} completes it however it performed the
 * operation (a ring completion, a pool thread's result hopped back).
 */
@FunctionalInterface
interface BlockCompletion {
    void complete(int res);
}
