package dev.evpl.reactive.testsupport;

import dev.evpl.reactive.core.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * An event loop run by a plain daemon thread, for the Reactive Streams TCK suites: the TCK's probes
 * take locks inside signals, which BlockHound reports on a loop thread of a group.
 */
public final class PlainThreadLoop implements AutoCloseable {
    private final EventLoop loop;
    private final Thread thread;

    /** Starts a loop on a new daemon thread named {@code name}; returns once the loop exists. */
    public PlainThreadLoop(String name) throws Exception {
        CompletableFuture<EventLoop> created = new CompletableFuture<>();
        thread = new Thread(() -> {
            EventLoop l = EventLoop.create();
            created.complete(l);
            l.run();
        }, name);
        thread.setDaemon(true);
        thread.start();
        loop = created.get();
    }

    /** The loop. */
    public EventLoop loop() {
        return loop;
    }

    /** Disposes the loop and waits up to 5 s for its thread. */
    @Override
    public void close() throws InterruptedException {
        loop.dispose();
        thread.join(5000);
    }
}
