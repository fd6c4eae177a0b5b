package dev.evpl.reactive.core.tls;

import javax.net.ssl.SSLEngine;
import reactor.core.scheduler.Schedulers;

/**
 * The delegated tasks of one {@link EngineBind}'s engine (certificate path checks, key agreement:
 * milliseconds of CPU), run on Reactor's bounded-elastic scheduler so the loop goes on meanwhile;
 * the bind resumes on its loop once they are done. Loop-confined state: {@link #running()} is read
 * and changed on the loop only.
 */
final class DelegatedTasks {
    private final EngineBind bind;
    private final SSLEngine engine;
    private boolean running;

    DelegatedTasks(EngineBind bind, SSLEngine engine) {
        this.bind = bind;
        this.engine = engine;
    }

    /** Loop: whether tasks are running off the loop (the engine must not be driven meanwhile). */
    boolean running() {
        return running;
    }

    /** Loop: runs every pending task off the loop, then pumps the bind again on its loop. */
    void run() {
        running = true;
        Schedulers.boundedElastic().schedule(() -> {
            Runnable t;
            while ((t = engine.getDelegatedTask()) != null) {
                t.run();
            }
            bind.onLoop(() -> {
                running = false;
                bind.pump();
            });
        });
    }
}
