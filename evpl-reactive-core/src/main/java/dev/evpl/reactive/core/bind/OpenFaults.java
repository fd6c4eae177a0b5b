package dev.evpl.reactive.core.bind;

/**
 * Test hook: failures the kernel rarely gives, injected where a bind takes its descriptor, so the
 * cleanup paths run under test (a bind whose construction fails must close what it registered).
 * Unset in production: one volatile read per bind construction.
 */
final class OpenFaults {
    /** The next socket bind construction fails with this after registering its descriptor. */
    static volatile RuntimeException next;

    private OpenFaults() {
    }

    /** Throws the injected fault once, if one is set. */
    static void check() {
        RuntimeException fault = next;
        if (fault != null) {
            next = null;
            throw fault;
        }
    }
}
