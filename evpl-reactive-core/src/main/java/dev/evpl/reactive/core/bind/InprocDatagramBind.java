package dev.evpl.reactive.core.bind;

import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code DATAGRAM_INPROC}: datagram binds named in this process. A send moves the segment (no copy)
 * into the recipient's queue and rings its loop; a full queue (more than {@link #QUEUE_LIMIT}
 * bytes unread) drops the datagram and fails that send, as a full socket buffer drops UDP.
 * Confined to its loop; the inbound queue and its byte count are the shared state.
 */
final class InprocDatagramBind extends LoopBoundSource implements DatagramBind {
    static final int QUEUE_LIMIT = 4 << 20;
    private static final ConcurrentHashMap<String, InprocDatagramBind> BY_NAME = new ConcurrentHashMap<>();

    private final String name;
    private final InprocStreamBind.InprocAddress address;
    private final int maxDatagram;
    private final ConcurrentLinkedQueue<Datagram> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboundBytes = new AtomicInteger();
    private final ReceivePublisher<Datagram> receiver = new ReceivePublisher<>(this, d -> d.data().release());
    private final Doorbell dataBell;
    private volatile boolean closed;
    private final Sinks.Empty<Void> closeSink = Sinks.empty();

    private InprocDatagramBind(EventLoop loop, String name, int maxDatagram) {
        super(loop);
        this.name = name;
        this.address = new InprocStreamBind.InprocAddress(name);
        this.maxDatagram = maxDatagram;
        this.dataBell = loop.doorbell(this::drain);
    }

    static Mono<DatagramBind> open(EventLoop loop, Protocol protocol, Endpoint local, int maxDatagram) {
        return Mono.fromCallable(() -> {
            if (maxDatagram < 1) {
                throw new IllegalArgumentException("maxDatagram must be >= 1, got " + maxDatagram);
            }
            InprocDatagramBind bind = new InprocDatagramBind(loop, local.inprocName(), maxDatagram);
            if (BY_NAME.putIfAbsent(local.inprocName(), bind) != null) {
                bind.dataBell.close();
                throw new IllegalStateException("in-process name '" + local.inprocName() + "' is already bound");
            }
            return bind;
        });
    }

    @Override
    public Flux<Datagram> receive() {
        return Flux.from(receiver);
    }

    @Override
    public Mono<Completion> send(Datagram datagram) {
        return Mono.create(sink -> {
            Segment data = datagram.data();
            int n = data.readableBytes();
            InprocDatagramBind target = datagram.address() instanceof InprocStreamBind.InprocAddress a
                    ? BY_NAME.get(a.name()) : null;
            String problem = closed ? "datagram bind closed"
                    : n > maxDatagram ? "datagram of " + n + " bytes exceeds maxDatagram " + maxDatagram
                    : target == null ? "no in-process datagram bind at " + datagram.address()
                    : target.inboundBytes.get() + n > QUEUE_LIMIT ? "receiver's queue is full (" + QUEUE_LIMIT
                    + " bytes): datagram dropped" : null;
            if (problem != null) {
                data.release();
                sink.error(new IllegalStateException(problem));
                return;
            }
            target.inboundBytes.addAndGet(n);
            target.inbound.offer(new Datagram(data, address));
            if (target.closed) {
                target.releaseInbound(); // closed after our check: release what nobody will read
                sink.error(new IllegalStateException("no in-process datagram bind at " + datagram.address()));
                return;
            }
            target.dataBell.ring();
            sink.success(new Completion(n, 1));
        });
    }

    @Override
    public void close() {
        onLoop(this::closeNow);
    }

    @Override
    public Mono<Void> onClose() {
        return closeSink.asMono();
    }

    @Override
    public SocketAddress localAddress() {
        return address;
    }

    @Override
    public void resumeReading() {
        drain();
    }

    @Override
    public void receiveCancelled() {
    }

    private void drain() {
        Datagram d;
        while (receiver.wantsData() && (d = inbound.poll()) != null) {
            inboundBytes.addAndGet(-d.data().readableBytes());
            receiver.deliver(d);
        }
    }

    private void releaseInbound() {
        Datagram d;
        while ((d = inbound.poll()) != null) {
            inboundBytes.addAndGet(-d.data().readableBytes());
            d.data().release();
        }
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        BY_NAME.remove(name, this);
        dataBell.close();
        releaseInbound();
        receiver.complete();
        closeSink.tryEmitEmpty();
    }

    @Override
    public String toString() {
        return "DatagramBind[inproc:" + name + (closed ? ", closed" : "") + ']';
    }
}
