package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.EventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * One service listening on several endpoints and protocols at once (libevpl's listener on many
 * endpoints): for example TCP on a port, a unix socket and an in-process name. Loops attach to all
 * of them with one call and get every connection, whatever it came in on, through one handler.
 * Thread-safe.
 */
public final class ListenerSet implements Disposable {
    private final List<Listener> listeners;

    private ListenerSet(List<Listener> listeners) {
        this.listeners = Collections.unmodifiableList(listeners);
    }

    /** A protocol and where it listens. */
    public record Spec(Protocol protocol, Endpoint endpoint) {
        /** Both are required. */
        public Spec {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /**
     * Listens on every spec with {@code policy} steering; if one fails (address in use, wrong
     * endpoint kind), those already listening are closed and the error is thrown.
     */
    public static ListenerSet listen(SteeringPolicy policy, Spec... specs) {
        if (specs.length == 0) {
            throw new IllegalArgumentException("ListenerSet needs at least one endpoint");
        }
        List<Listener> opened = new ArrayList<>(specs.length);
        try {
            for (Spec spec : specs) {
                opened.add(Listener.listen(spec.protocol(), spec.endpoint(), policy));
            }
        } catch (RuntimeException e) {
            opened.forEach(Listener::dispose);
            throw e;
        }
        return new ListenerSet(opened);
    }

    /** The listeners, in the order of the specs (for their bound addresses and ports). */
    public List<Listener> listeners() {
        return listeners;
    }

    /** Attaches {@code loop} to every listener; dispose the result to detach from all. */
    public Disposable attach(EventLoop loop, Consumer<Bind> handler) {
        Disposable.Composite all = Disposables.composite();
        for (Listener l : listeners) {
            all.add(l.attach(loop, handler));
        }
        return all;
    }

    @Override
    public void dispose() {
        listeners.forEach(Listener::dispose);
    }

    @Override
    public boolean isDisposed() {
        return listeners.stream().allMatch(Listener::isDisposed);
    }
}
