package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses which attached loop gets an accepted connection (it lives there for good). Called on the
 * listener's accepting loop; must be fast and non-blocking.
 */
@FunctionalInterface
public interface SteeringPolicy {

    /** Index into {@code loops} (never empty) of the loop that gets the next connection. */
    int choose(List<EventLoop> loops);

    /** Each loop in turn (the default). */
    static SteeringPolicy roundRobin() {
        AtomicInteger next = new AtomicInteger();
        return loops -> Math.floorMod(next.getAndIncrement(), loops.size());
    }

    /** The loop with the fewest open socket binds (ties: the first). */
    static SteeringPolicy leastConnections() {
        return loops -> {
            int best = 0;
            int fewest = Integer.MAX_VALUE;
            for (int i = 0; i < loops.size(); i++) {
                int n = LoopSockets.connectionsOn(loops.get(i));
                if (n < fewest) {
                    fewest = n;
                    best = i;
                }
            }
            return best;
        };
    }
}
