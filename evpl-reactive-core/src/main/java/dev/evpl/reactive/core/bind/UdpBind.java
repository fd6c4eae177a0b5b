package dev.evpl.reactive.core.bind;

import static dev.evpl.reactive.core.internal.nativeio.Native.LIBC;

import dev.evpl.reactive.core.Deferral;
import dev.evpl.reactive.core.Doorbell;
import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.FdEvent;
import dev.evpl.reactive.core.FdHandler;
import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import dev.evpl.reactive.core.io.Errno;
import dev.evpl.reactive.core.internal.nativeio.IoVec;
import dev.evpl.reactive.core.internal.nativeio.Linux;
import dev.evpl.reactive.core.internal.nativeio.MsgHdr;
import dev.evpl.reactive.core.internal.nativeio.Native;
import dev.evpl.reactive.core.internal.nativeio.NativeMemory;
import dev.evpl.reactive.core.internal.nativeio.SockAddr;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code DATAGRAM_SOCKET_UDP} on epoll (IPv4 or IPv6, by the bound address): {@code recvmmsg} into a staging area then one copy into an
 * exact-size pooled segment; sends queued and flushed once per pass with {@code sendmmsg}. Confined
 * to its loop; public methods hop onto it.
 */
final class UdpBind extends LoopBoundSource implements DatagramBind, FdHandler {
    static final int BATCH = 16;
    private static final int MAX_IOV_PER_DATAGRAM = 4;

    private final int fd;
    private final int maxDatagram;
    private final SegmentAllocator allocator;
    private final FdEvent event;
    private final InetSocketAddress local;
    /** mmsghdr[BATCH] | iovec[BATCH * 4] | sockaddr[BATCH] | staging[BATCH * maxDatagram]. */
    private final long scratch;
    private final long hdrs;
    private final long iovs;
    private final long names;
    private final long staging;
    private final ReceivePublisher<Datagram> receiver = new ReceivePublisher<>(this, d -> d.data().release());
    private final ArrayDeque<Object[]> sendQueue = new ArrayDeque<>();
    /** Datagrams waiting for the socket at most; a send beyond it fails at once (the queue stays bounded). */
    static final int MAX_QUEUED = 4096;
    private final Deferral flush;
    private final Map<Long, InetSocketAddress> senders = new HashMap<>();
    private boolean closed;
    private final Sinks.Empty<Void> closeSink = Sinks.empty();

    private final int family;

    private UdpBind(EventLoop loop, int fd, int family, int maxDatagram) {
        super(loop);
        this.fd = fd;
        this.maxDatagram = maxDatagram;
        this.allocator = loop.allocator();
        long size = (long) BATCH * MsgHdr.MMSG_SIZE + (long) BATCH * MAX_IOV_PER_DATAGRAM * IoVec.SIZE
                + (long) BATCH * SockAddr.MAX_SIZE + (long) BATCH * maxDatagram;
        this.scratch = NativeMemory.allocate(size);
        this.hdrs = scratch;
        this.iovs = hdrs + (long) BATCH * MsgHdr.MMSG_SIZE;
        this.names = iovs + (long) BATCH * MAX_IOV_PER_DATAGRAM * IoVec.SIZE;
        this.staging = names + (long) BATCH * SockAddr.MAX_SIZE;
        this.family = family;
        this.local = (InetSocketAddress) SocketOps.localAddress(fd, family);
        this.flush = loop.deferral(this::flush);
        this.event = loop.addFd(fd, this, false, false);
        loop.addCloseHook(() -> closeNow(new IllegalStateException("event loop " + loop.name() + " was disposed")));
    }

    static Mono<DatagramBind> open(EventLoop loop, Protocol protocol, Endpoint endpoint, int maxDatagram) {
        return Mono.defer(() -> {
            int bufferSize = allocatorBufferSize();
            if (maxDatagram < 1 || maxDatagram > Math.min(65536, bufferSize)) {
                return Mono.error(new IllegalArgumentException("maxDatagram must be between 1 and "
                        + Math.min(65536, bufferSize) + " (65536 and the buffer size), got " + maxDatagram));
            }
            SocketOps.Target target = SocketOps.target(protocol, endpoint);
            return Mono.<DatagramBind>create(sink -> loop.schedule(() -> {
                int fd = -1;
                try {
                    fd = SocketOps.bindDatagram(target);
                    sink.success(new UdpBind(loop, fd, target.family(), maxDatagram));
                } catch (RuntimeException e) {
                    if (fd >= 0) {
                        LIBC.close(fd);
                    }
                    sink.error(e);
                }
            }));
        }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    }

    private static int allocatorBufferSize() {
        return dev.evpl.reactive.core.buffer.BufferPool.global().config().bufferSize();
    }

    // ------------------------------------------------------------------ API

    @Override
    public Flux<Datagram> receive() {
        return Flux.from(receiver);
    }

    @Override
    public Mono<Completion> send(Datagram datagram) {
        return Mono.create(sink -> onLoop(() -> {
            if (closed) {
                datagram.data().release();
                sink.error(new IllegalStateException("datagram bind closed"));
                return;
            }
            if (datagram.data().readableBytes() > maxDatagram || datagram.data().sliceCount() > MAX_IOV_PER_DATAGRAM) {
                int n = datagram.data().readableBytes();
                datagram.data().release();
                sink.error(new IllegalArgumentException("datagram of " + n + " bytes exceeds maxDatagram " + maxDatagram));
                return;
            }
            if (!(datagram.address() instanceof InetSocketAddress to)
                    || (to.getAddress() instanceof java.net.Inet6Address) != (family == Linux.AF_INET6)) {
                datagram.data().release();
                sink.error(new IllegalArgumentException("this " + (family == Linux.AF_INET6 ? "IPv6" : "IPv4")
                        + " UDP bind cannot send to " + datagram.address()));
                return;
            }
            if (sendQueue.size() >= MAX_QUEUED) {
                datagram.data().release();
                sink.error(new IllegalStateException("datagram send refused: " + MAX_QUEUED
                        + " datagrams already wait for the socket; wait for sends to complete"));
                return;
            }
            sendQueue.add(new Object[] {datagram, sink});
            flush.arm();
        }));
    }

    @Override
    public void close() {
        onLoop(() -> closeNow(null));
    }

    @Override
    public Mono<Void> onClose() {
        return closeSink.asMono();
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    // ------------------------------------------------------------------ ReceiveSource

    @Override
    public void resumeReading() {
        if (!closed && receiver.wantsData()) {
            event.readInterest(true);
        }
    }

    @Override
    public void receiveCancelled() {
        if (!closed) {
            event.readInterest(false);
        }
    }

    // ------------------------------------------------------------------ receive (loop)

    @Override
    public void onReadable(FdEvent ev) {
        for (int round = 0; round < 4; round++) {
            long credit = receiver.credit();
            if (credit == 0) {
                ev.readInterest(false);
                return;
            }
            // Never read more datagrams than the subscriber asked for (demand counts datagrams).
            int batch = (int) Math.min(BATCH, credit);
            for (int i = 0; i < batch; i++) {
                IoVec.set(iovs, i, staging + (long) i * maxDatagram, maxDatagram);
                MsgHdr.set(MsgHdr.mmsg(hdrs, i), names + (long) i * SockAddr.MAX_SIZE, SockAddr.MAX_SIZE,
                        iovs + (long) i * IoVec.SIZE, 1);
            }
            int n = LIBC.recvmmsg(fd, hdrs, batch, Linux.MSG_DONTWAIT, 0);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN) {
                    ev.markUnreadable();
                } else if (errno != Errno.EINTR) {
                    closeNow(NativeIoException.of("recvmmsg", String.valueOf(local), errno));
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                int length = MsgHdr.mmsgLength(hdrs, i);
                if ((MsgHdr.flags(MsgHdr.mmsg(hdrs, i)) & 0x20) != 0) { // MSG_TRUNC
                    // A datagram bigger than maxDatagram: drop it, keep the bind (UDP has no stream to break).
                    continue;
                }
                Segment data = allocator.allocate(length);
                // Slice by slice: a datagram larger than a pool buffer (4 KiB ones are allowed) is a composite.
                long from = staging + (long) i * maxDatagram;
                for (int k = 0, slices = data.sliceCount(); k < slices; k++) {
                    NativeMemory.copy(from, data.sliceAddress(k), data.sliceLength(k));
                    from += data.sliceLength(k);
                }
                receiver.deliver(new Datagram(data, sender(names + (long) i * SockAddr.MAX_SIZE)));
            }
            if (n < batch) {
                ev.markUnreadable();
                return;
            }
        }
    }

    /** The sender's address, cached per (ip, port) so a steady IPv4 peer costs no allocation. */
    private InetSocketAddress sender(long sockaddr) {
        if (family != Linux.AF_INET) {
            return SockAddr.readInet(sockaddr); // IPv6: decoded each time (a 16-byte key would allocate anyway)
        }
        long ip = Integer.toUnsignedLong(NativeMemory.getInt(sockaddr + 4));
        long port = NativeMemory.getShort(sockaddr + 2) & 0xFFFFL;
        long key = (ip << 16) | port;
        InetSocketAddress a = senders.get(key);
        if (a == null) {
            if (senders.size() >= 4096) {
                senders.clear();
            }
            a = SockAddr.readInet(sockaddr);
            senders.put(key, a);
        }
        return a;
    }

    // ------------------------------------------------------------------ send (loop)

    /** Loop: sends until the queue is empty or the kernel refuses (EAGAIN: true, wait for the edge). */
    @SuppressWarnings("unchecked")
    private boolean flush() {
        while (!closed && !sendQueue.isEmpty()) {
            int count = 0;
            int iov = 0;
            for (Object[] entry : sendQueue) {
                if (count == BATCH) {
                    break;
                }
                Datagram d = (Datagram) entry[0];
                Segment s = d.data();
                long name = names + (long) count * SockAddr.MAX_SIZE;
                int nameLength = SockAddr.writeInet(name, (InetSocketAddress) d.address());
                int first = iov;
                for (int k = 0; k < s.sliceCount(); k++) {
                    IoVec.set(iovs, iov++, s.sliceAddress(k), s.sliceLength(k));
                }
                MsgHdr.set(MsgHdr.mmsg(hdrs, count), name, nameLength, iovs + (long) first * IoVec.SIZE, iov - first);
                count++;
            }
            int sent = LIBC.sendmmsg(fd, hdrs, count, Linux.MSG_DONTWAIT);
            if (sent < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN) {
                    event.writeInterest(true);
                    return true;
                }
                if (errno == Errno.EINTR) {
                    continue;
                }
                // A per-datagram error (e.g. EMSGSIZE, an unreachable port reported back): fail that one.
                Object[] entry = sendQueue.poll();
                ((Datagram) entry[0]).data().release();
                ((reactor.core.publisher.MonoSink<Completion>) entry[1]).error(
                        NativeIoException.of("sendmmsg", String.valueOf(((Datagram) entry[0]).address()), errno));
                continue;
            }
            for (int i = 0; i < sent; i++) {
                Object[] entry = sendQueue.poll();
                Datagram d = (Datagram) entry[0];
                int bytes = d.data().readableBytes();
                d.data().release();
                ((reactor.core.publisher.MonoSink<Completion>) entry[1]).success(new Completion(bytes, 1));
            }
            // sent < count: the next call says why (EAGAIN, or the error of the first unsent datagram);
            // waiting for an edge here could wait forever on a socket that is not full.
        }
        event.writeInterest(false);
        return false;
    }

    @Override
    public void onWritable(FdEvent ev) {
        if (flush()) {
            ev.markUnwritable();
        }
    }

    // ------------------------------------------------------------------ close (loop)

    @SuppressWarnings("unchecked")
    private void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        event.close();
        LIBC.close(fd);
        flush.cancel();
        closeDemandBell();
        Object[] entry;
        while ((entry = sendQueue.poll()) != null) {
            ((Datagram) entry[0]).data().release();
            ((reactor.core.publisher.MonoSink<Completion>) entry[1]).error(
                    cause != null ? cause : new IllegalStateException("datagram bind closed before the datagram was sent"));
        }
        if (cause != null) {
            receiver.fail(cause);
        } else {
            receiver.complete();
        }
        NativeMemory.free(scratch);
        closeSink.tryEmitEmpty();
    }

    @Override
    public String toString() {
        return "DatagramBind[" + local + (closed ? ", closed" : "") + ']';
    }
}
