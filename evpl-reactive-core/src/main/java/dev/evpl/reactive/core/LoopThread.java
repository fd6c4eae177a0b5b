package dev.evpl.reactive.core;

import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.ThreadTuning;
import java.util.concurrent.CompletableFuture;
import reactor.core.scheduler.NonBlocking;

/**
 * The thread of one loop of an {@link EventLoopGroup}. Implements {@link NonBlocking}: Reactor's
 * {@code block()} fails on it and BlockHound reports blocking calls made on it.
 */
final class LoopThread extends Thread implements NonBlocking {
    private final GroupConfig config;
    private final int index;
    private final CompletableFuture<EventLoop> created;
    private volatile EventLoop loop;

    LoopThread(GroupConfig config, int index, CompletableFuture<EventLoop> created) {
        super(config.threadNamePrefix() + "-" + index);
        this.config = config;
        this.index = index;
        this.created = created;
        // Loads the native binding here, on the creating thread: its first use reads a library out
        // of a jar, which BlockHound would report on the loop thread.
        Native.runtime();
        setDaemon(config.daemon());
    }

    EventLoop loop() {
        return loop;
    }

    @Override
    public void run() {
        EventLoop l;
        try {
            int cpu = config.cpuFor(index);
            if (cpu >= 0) {
                ThreadTuning.pinCurrentThread(cpu);
            }
            LoopConfig loopConfig = config.loopConfig(index);
            long slack = loopConfig.timerSlack().toNanos();
            if (slack > 0) {
                ThreadTuning.setTimerSlack(slack);
            }
            l = new EventLoop(loopConfig, getName(), this);
            loop = l;
        } catch (Throwable t) {
            created.completeExceptionally(t);
            return;
        }
        created.complete(l);
        try {
            config.onThreadStart().accept(l);
            l.runUntilStopped();
            // A stop() without dispose() ends the thread too: a group loop runs only under its thread.
            config.onThreadStop().accept(l);
        } catch (Throwable t) {
            l.reportTaskError(t);
        } finally {
            l.beginDispose(false);
            l.release();
        }
    }
}
