package dev.evpl.reactive.core;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (ServiceLoader + autodetection): an error thrown on any thread
 * without a handler, loop threads included (task, hook and callback errors are reported there),
 * fails the test that was running, unless the test took it with {@link #take()}. A BlockHound
 * report on a loop thread therefore fails the test too.
 */
public final class LoopErrorsExtension implements BeforeEachCallback, AfterEachCallback {
    private static final List<Throwable> ERRORS = new ArrayList<>();

    static {
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            synchronized (ERRORS) {
                ERRORS.add(new AssertionError("uncaught on " + thread.getName() + ": " + error, error));
            }
        });
    }

    /** Takes (and clears) the errors reported so far, for tests that provoke them. */
    public static List<Throwable> take() {
        synchronized (ERRORS) {
            List<Throwable> copy = new ArrayList<>(ERRORS);
            ERRORS.clear();
            return copy;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        take();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Throwable> errors = take();
        if (!errors.isEmpty()) {
            AssertionError failure = new AssertionError(errors.size() + " uncaught error(s) during the test", errors.get(0));
            for (int i = 1; i < errors.size(); i++) {
                failure.addSuppressed(errors.get(i));
            }
            throw failure;
        }
    }
}
