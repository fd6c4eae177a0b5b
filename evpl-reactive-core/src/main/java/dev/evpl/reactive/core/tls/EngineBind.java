package dev.evpl.reactive.core.tls;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.bind.Bind;
import dev.evpl.reactive.core.bind.Completion;
import dev.evpl.reactive.core.bind.Protocol;
import dev.evpl.reactive.core.buffer.Segment;
import dev.evpl.reactive.core.buffer.SegmentAllocator;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A TLS connection over another stream {@link Bind} (TCP, unix, io_uring, in-process), driven by a
 * JDK {@link SSLEngine}. Confined to the inner bind's loop: every engine call, buffer and queue
 * below is touched there only; public methods hop.
 *
 * <p>Receive = demand, as on every bind: after the handshake, records are decrypted only while the
 * subscriber has credit, and ciphertext is asked of the inner bind one segment at a time, only
 * when a record is incomplete; without credit the inner bind stops reading and TCP pushes back.
 * Send = batch: plaintext of every pending send is wrapped while the ciphertext backlog is under
 * {@link #CIPHER_LIMIT}; the records go to the inner bind in order, straight into its send queue
 * ({@link RecordOutbox}). A send completes when its last record was written. Delegated tasks run off the loop
 * ({@link DelegatedTasks}).
 */
final class EngineBind implements SecureBind {
    /** Ciphertext bytes queued or in flight to the inner bind before plaintext stops being taken. */
    static final int CIPHER_LIMIT = 256 * 1024;

    /** Decrypted segments kept while a finishing bind waits for the peer's close_notify. */
    static final int CLOSE_READ_LIMIT = 64;

    private final Bind inner;
    private final long handshakeTimeoutNanos;
    private final long closeWaitNanos;
    private boolean closeWaitOver;
    /** The handshake deadline, then the wait for the peer's close_notify; cancelled when done (an armed timer holds the bind). */
    private final dev.evpl.reactive.core.LoopTimer deadline;
    private final SSLEngine engine;
    private final Protocol protocol;
    private final EventLoop loop;
    private final SegmentAllocator allocator;
    private final RecordCodec codec;
    private boolean alertPending; // a fatal alert is on its way: the inner bind closes once it is written
    private final CipherReceiver cipher = new CipherReceiver(this);
    private boolean innerDone;

    private final Sinks.One<SecureBind> handshake = Sinks.one();
    private boolean handshaken;
    private final DelegatedTasks tasks;
    private final PlainReceive receive = new PlainReceive(this);

    private final PlainSends sends = new PlainSends();
    private final RecordOutbox outbox;
    private boolean innerFinishing;
    private boolean pumping;
    /** beginHandshake was called: before it the engine reports NOT_HANDSHAKING, which is no handshake done. */
    private boolean started;
    private boolean pumpAgain;
    /** The last wrap stopped at {@link #CIPHER_LIMIT}: plaintext waits for records to be written. */
    private boolean throttled;
    private boolean finishing;
    private boolean closeNotifySent;
    private Throwable failure;
    private boolean closed;
    private final Sinks.Empty<Void> closeSink = Sinks.empty();

    EngineBind(Bind inner, SSLEngine engine, Protocol protocol, long handshakeTimeoutNanos) {
        this.inner = inner;
        this.engine = engine;
        this.protocol = protocol;
        this.handshakeTimeoutNanos = handshakeTimeoutNanos;
        this.closeWaitNanos = handshakeTimeoutNanos;
        this.loop = inner.loop();
        this.allocator = loop.allocator();
        this.codec = new RecordCodec(engine, allocator);
        this.tasks = new DelegatedTasks(this, engine);
        this.outbox = new RecordOutbox(codec, inner, this::recordsWritten, this::batchFailed);
        this.deadline = loop.timer(this::deadlinePassed).schedule(handshakeTimeoutNanos, TimeUnit.NANOSECONDS);
        inner.onClose().subscribe(null, e -> onLoop(() -> fail(e)), () -> onLoop(this::innerClosed));
        inner.receive().subscribe(cipher);
    }

    /** Loop: starts the handshake. */
    void start() {
        started = true;
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        pump();
    }

    /** Completes with this bind once the handshake is done; fails with its error. */
    Mono<SecureBind> handshake() {
        return handshake.asMono();
    }

    /** Whether the caller is on the bind's loop (per-segment signals then run without a task). */
    boolean inLoop() {
        return loop.inLoop();
    }

    void onLoop(Runnable task) {
        if (loop.inLoop()) {
            task.run();
        } else {
            loop.schedule(task);
        }
    }

    // ------------------------------------------------------------------ the engine (loop)

    /** Loop: does all the work there is: handshake steps, unwraps with credit, wraps, the next batch. */
    void pump() {
        if (pumping) {
            pumpAgain = true; // called back from inside a pump (a synchronous publisher, a send that completed)
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                pumpOnce();
            } while (pumpAgain && !closed);
        } finally {
            pumping = false;
        }
    }

    private void pumpOnce() {
        if (closed || tasks.running() || !started) {
            return;
        }
        try {
            while (!handshaken) {
                SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
                switch (hs) {
                    case NEED_TASK -> {
                        tasks.run();
                        return;
                    }
                    case NEED_WRAP -> outbox.wrap();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrap()) {
                            flushCipher();
                            if (innerDone) {
                                // The peer's stream ended mid-handshake: nothing can complete it now.
                                fail(new SSLException("connection closed during the TLS handshake by " + inner.remoteAddress()));
                            }
                            return;
                        }
                    }
                    default -> handshakeDone();
                }
                if (closed) {
                    return;
                }
            }
            receive.drain();
            while (receive.demand > 0 && !codec.inboundDone() && unwrap()) {
                receive.drain();
            }
            // Finishing: read on without credit to see the peer's close_notify (what arrives before
            // it is kept for the subscriber, up to CLOSE_READ_LIMIT segments).
            while (closeNotifySent && !codec.inboundDone() && receive.ready().size() < CLOSE_READ_LIMIT && unwrap()) {
                receive.drain();
            }
            if (codec.takeMayNeedWrap() && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                outbox.wrap(); // a post-handshake message (KeyUpdate, a close_notify answer)
            }
            wrapPlaintext();
            flushCipher();
            endOfInput();
        } catch (SSLException e) {
            failWithAlert(e);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * Loop: a TLS error: the engine's alert (bad certificate, decode error…) goes to the peer, then
     * the connection ends; everything pending fails with {@code cause}.
     */
    private void failWithAlert(SSLException cause) {
        if (closed) {
            return;
        }
        List<Segment> alert = outbox.takeAlert(engine);
        failure = cause;
        boolean sendAlert = !alert.isEmpty();
        alertPending = sendAlert; // a subscriber's close on the error below must not cut the alert off
        handshake.tryEmitError(cause);
        receive.fail(cause);
        // Behind the records handed down already: the inner bind writes in the order it was given.
        shutdown(!sendAlert);
        if (sendAlert) {
            inner.send(Flux.fromIterable(alert)).subscribe(null, e -> inner.close(), inner::close);
        }
    }

    /** Loop: the handshake took too long, or the peer's close_notify did not come in time. */
    private void deadlinePassed() {
        if (!closed && !handshaken) {
            fail(new SSLException("TLS handshake timed out after " + TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNanos)
                    + " ms with " + inner.remoteAddress()));
        } else if (!closed && closeNotifySent) {
            closeWaitOver = true;
            pump();
        }
    }

    private void handshakeDone() {
        handshaken = true;
        deadline.cancel();
        handshake.tryEmitValue(this);
    }

    /**
     * Loop: one unwrap (the codec tops its buffer up from the pending inner segment); asks the
     * inner bind for more when a record is incomplete. Returns whether it made progress.
     */
    private boolean unwrap() throws SSLException {
        RecordCodec.Unwrapped u = codec.unwrap(receive.ready());
        if (u == RecordCodec.Unwrapped.NEED_INPUT) {
            requestCipher();
            return false;
        }
        if (u == RecordCodec.Unwrapped.CLOSED) {
            receive.complete();
        }
        return true;
    }

    private void requestCipher() {
        if (!innerDone && codec.wantsInput()) {
            cipher.request();
        }
    }

    /** Wraps the pending plaintext of the sends; once all is wrapped and the bind finishes, close_notify. */
    private void wrapPlaintext() throws SSLException {
        if (!handshaken) {
            return;
        }
        boolean allSealed = sends.wrap(outbox, CIPHER_LIMIT);
        throttled = outbox.bytes() >= CIPHER_LIMIT;
        if (finishing && !closeNotifySent && allSealed) {
            closeNotifySent = true;
            engine.closeOutbound();
            outbox.wrap();
            // Wait for the peer's close_notify (both ways, then the connection closes), at most
            // as long as a handshake may take.
            deadline.schedule(closeWaitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Loop: records were written; pumps only if a send can complete, all is out, room is back (half the limit), or closing. */
    private void recordsWritten() {
        if (pumping) {
            pumpAgain = true; // an in-process peer took the record inside our own flush
        } else if (outbox.idle() || closeNotifySent || (throttled && outbox.bytes() < CIPHER_LIMIT / 2)
                || sends.completable(outbox.written())) {
            pump();
        }
    }

    /** Hands what is queued to the inner bind. */
    private void flushCipher() {
        completeWritten();
        if (!closed) {
            outbox.flush();
        }
    }

    /**
     * The inner bind failed our records. After our close_notify the peer may close before the last
     * ones are confirmed (an in-process peer does at once): what it sent still arrives. Before it, an error.
     */
    private void batchFailed(Throwable e) {
        if (closeNotifySent) {
            outbox.abandonInFlight();
            pump();
        } else {
            fail(e);
        }
    }

    /** Completes the sends whose last record was written; after close_notify, finishes the inner bind. */
    private void completeWritten() {
        sends.completeWritten(outbox.written());
        if (closeNotifySent && (codec.inboundDone() || innerDone || closeWaitOver) && !innerFinishing && outbox.idle()
                && sends.isEmpty()) {
            innerFinishing = true;
            inner.finish().subscribe(null, e -> { }, () -> { });
        }
    }

    /** The inner stream ended: a clean end after close_notify, a truncation error before it. */
    private void endOfInput() {
        if (!innerDone || codec.hasInput() || receive.done) {
            return;
        }
        if (!engine.isInboundDone()) {
            // No close_notify came: a truncation whatever the engine says (Conscrypt's does not throw).
            SSLException cause = null;
            try {
                engine.closeInbound();
            } catch (SSLException e) {
                cause = e;
            }
            fail(new SSLException("TLS stream truncated: " + inner.remoteAddress()
                    + " closed the connection without close_notify", cause));
            return;
        }
        receive.complete();
    }

    private void innerClosed() {
        innerDone = true;
        if (!handshaken) {
            fail(new SSLException("connection closed during the TLS handshake by " + inner.remoteAddress()));
            return;
        }
        pump();
        close();
    }

    /** Loop: the connection failed: everything pending fails with {@code cause}, the inner bind closes. */
    void fail(Throwable cause) {
        if (closed) {
            return;
        }
        failure = cause;
        handshake.tryEmitError(cause);
        receive.fail(cause);
        shutdown(true);
    }

    // ------------------------------------------------------------------ Bind

    @Override
    public Flux<Segment> receive() {
        return receive;
    }

    @Override
    public Mono<Completion> send(Publisher<Segment> data) {
        return PlainSend.mono(this, sends, data, null);
    }

    @Override
    public Mono<Completion> send(Segment data) {
        return PlainSend.mono(this, sends, null, data);
    }

    /** Loop: unwraps in place (0), from the copy buffer (1), of the first across segments (2). */
    long[] unwrapCounts() {
        return new long[] {codec.unwrapsInPlace, codec.unwrapsFromCopy, codec.unwrapsAcrossReads};
    }

    /** Loop: why this bind takes no more sends, or null. */
    Throwable sendRefusal() {
        return closed ? (failure != null ? failure : new IllegalStateException("TLS bind closed"))
                : finishing ? new IllegalStateException("TLS bind is finishing: no more sends") : null;
    }

    @Override
    public long bytesSent() {
        return sends.wrappedBytes();
    }

    @Override
    public int sendBacklog() {
        return outbox.queuedBytes() + inner.sendBacklog();
    }

    @Override
    public Mono<Void> finish() {
        return Mono.defer(() -> {
            onLoop(() -> {
                finishing = true;
                pump();
            });
            return inner.onClose();
        });
    }

    @Override
    public void close() {
        onLoop(() -> shutdown(true));
    }

    /** Loop: ends the bind; {@code closeInner}: also closes the bind underneath now (else its caller does). */
    private void shutdown(boolean closeInner) {
        if (closed) {
            return;
        }
        closed = true;
        deadline.cancel();
        Throwable cause = failure != null ? failure : new IllegalStateException("TLS bind closed");
        handshake.tryEmitError(cause);
        sends.failAll(cause);
        outbox.release();
        receive.dropReady();
        codec.release();
        cipher.cancel();
        receive.complete();
        engine.closeOutbound();
        if (closeInner && !alertPending) {
            inner.close();
        }
        inner.onClose().subscribe(null, e -> closeSink.tryEmitEmpty(), closeSink::tryEmitEmpty);
    }

    @Override
    public Mono<Void> onClose() {
        return closeSink.asMono();
    }

    @Override
    public boolean isClosed() {
        return closed || inner.isClosed();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public SocketAddress localAddress() {
        return inner.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return inner.remoteAddress();
    }

    @Override
    public SSLSession session() {
        return engine.getSession();
    }

    @Override
    public String applicationProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null || p.isEmpty() ? null : p;
    }

    @Override
    public Bind transport() {
        return inner;
    }

    // ------------------------------------------------------------------ the inner bind's receive (loop)

    void cipherSubscribed() {
        if (closed) {
            cipher.cancel();
        } else {
            pump();
        }
    }

    void cipherArrived(Segment segment) {
        if (closed) {
            segment.release();
            return;
        }
        codec.offer(segment);
        pump();
    }

    void cipherEnded() {
        innerDone = true;
        pump();
    }
}
