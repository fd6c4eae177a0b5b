package dev.evpl.reactive.testsupport;

import dev.evpl.reactive.core.buffer.LeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (ServiceLoader + autodetection): an error thrown on any thread
 * without a handler, loop threads included (task, hook and callback errors are reported there),
 * fails the test that was running, unless the test took it with {@link #take()}. A BlockHound
 * report on a loop thread therefore fails the test too. So does any segment still unreleased at the
 * end of a test (paranoid leak detection: {@code -Devpl.leakDetection=paranoid} in the build). A
 * BlockHound report that Reactor drops rather than throws (from inside a {@code LambdaSubscriber})
 * fails the test as well.
 */
public final class LoopErrorsExtension implements BeforeEachCallback, AfterEachCallback {
    private static final List<Throwable> ERRORS = new ArrayList<>();

    static {
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            synchronized (ERRORS) {
                ERRORS.add(new AssertionError("uncaught on " + thread.getName() + ": " + error, error));
            }
        });
        // Reactor drops an error it cannot deliver (a consumer that threw, an error after
        // cancellation, a subscriber without an error callback) to its logger, silent here. A
        // BlockHound report among them (a blocking call inside a LambdaSubscriber on a loop, which
        // cancels that subscription) fails the test, which would otherwise see only a timeout; the
        // others (mostly "event loop … was disposed" at teardown) are printed, one line each.
        reactor.core.publisher.Hooks.onErrorDropped(error -> {
            String where = "dropped by Reactor on " + Thread.currentThread().getName() + ": " + error;
            if (isBlockingReport(error)) {
                synchronized (ERRORS) {
                    ERRORS.add(new AssertionError(where, error));
                }
            } else {
                System.err.println(where);
            }
        });
    }

    private static boolean isBlockingReport(Throwable error) {
        // Bounded: a cause chain may loop (a → b → a); getCause() itself never returns its own throwable.
        Throwable t = error;
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t.getClass().getName().equals("reactor.blockhound.BlockingOperationError")) {
                return true;
            }
        }
        return false;
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
    public void afterEach(ExtensionContext context) throws InterruptedException {
        List<Throwable> errors = take();
        // Segments may be released asynchronously on loops: give them a moment, then report.
        for (int i = 0; i < 200 && LeakDetector.outstandingCount() > 0; i++) {
            Thread.sleep(10);
        }
        List<String> leaks = LeakDetector.outstanding();
        if (!leaks.isEmpty()) {
            LeakDetector.forgetOutstanding();
            errors.add(new AssertionError(leaks.size() + " segment(s) never released; first:\n" + leaks.get(0)));
        }
        if (!errors.isEmpty()) {
            AssertionError failure = new AssertionError(errors.size() + " uncaught error(s) during the test", errors.get(0));
            for (int i = 1; i < errors.size(); i++) {
                failure.addSuppressed(errors.get(i));
            }
            throw failure;
        }
    }
}
