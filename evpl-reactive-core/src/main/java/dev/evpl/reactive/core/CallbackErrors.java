package dev.evpl.reactive.core;

import java.util.concurrent.atomic.LongAdder;
import reactor.core.Exceptions;

/**
 * What a loop does with an exception that escaped a callback: logged at ERROR (logger
 * {@code dev.evpl.reactive.core.EventLoop}) with the loop's name, counted, and handed to an
 * uncaught-exception handler the application installed (the thread's own or the default one). The
 * ThreadGroup's fallback, which prints to stderr, is not used: the log has it. The loop goes on.
 */
final class CallbackErrors {
    private static final System.Logger LOG = System.getLogger("dev.evpl.reactive.core.EventLoop");

    private final String loopName;
    private final LongAdder count = new LongAdder();

    CallbackErrors(String loopName) {
        this.loopName = loopName;
    }

    void report(Throwable t) {
        Exceptions.throwIfJvmFatal(t);
        count.increment();
        if (LOG.isLoggable(System.Logger.Level.ERROR)) {
            LOG.log(System.Logger.Level.ERROR, "a callback on event loop " + loopName + " threw; the loop goes on", t);
        }
        Thread current = Thread.currentThread();
        Thread.UncaughtExceptionHandler handler = current.getUncaughtExceptionHandler();
        boolean installed = handler != null && handler != current.getThreadGroup();
        if (!installed) {
            handler = Thread.getDefaultUncaughtExceptionHandler();
        }
        if (handler != null) {
            try {
                handler.uncaughtException(current, t);
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e); // a handler that throws must not kill the loop either
            }
        }
    }

    long count() {
        return count.sum();
    }
}
