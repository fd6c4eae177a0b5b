package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.core.io.NativeIoException;
import dev.evpl.reactive.http.DisposableHttpServer;
import dev.evpl.reactive.http.HttpServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.web.server.GracefulShutdownCallback;
import org.springframework.boot.web.server.GracefulShutdownResult;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;

/**
 * Spring Boot's handle on an evpl {@link HttpServer}: {@link #start()} binds, {@link #stop()} closes
 * every connection, and {@link #shutDownGracefully} (with {@code server.shutdown=graceful}) stops
 * accepting and lets exchanges in progress finish on a thread of its own, reporting
 * {@link GracefulShutdownResult#IDLE} when the last connection closed. Thread-safe.
 *
 * <p>While it runs, the server holds one non-daemon thread ({@code evpl-server-await}) that only
 * waits for {@link #stop()}: the loop threads are daemons, so without it an application whose
 * {@code main} returns after {@code SpringApplication.run} (as every Boot application's does) would
 * exit at once. Boot's Netty and Tomcat servers keep the JVM alive the same way.
 */
public final class EvplWebServer implements WebServer {
    private static final Log LOG = LogFactory.getLog(EvplWebServer.class);

    private final HttpServer config;
    private final Shutdown shutdown;
    private final String protocolName;
    private final int port;
    private volatile DisposableHttpServer server;
    private volatile boolean stopped;
    /** Counted down by {@link #stop()}; the await thread of the running server waits on it. */
    private CountDownLatch running;

    EvplWebServer(HttpServer config, int port, Shutdown shutdown, String protocolName) {
        this.config = config;
        this.port = port;
        this.shutdown = shutdown;
        this.protocolName = protocolName;
    }

    @Override
    public synchronized void start() throws WebServerException {
        if (server != null) {
            return;
        }
        try {
            server = config.bindNow();
        } catch (RuntimeException e) {
            NativeIoException nio = cause(e);
            if (nio != null && "EADDRINUSE".equals(nio.errnoName())) {
                throw new PortInUseException(port, e);
            }
            throw new WebServerException("Unable to start the evpl HTTP server", e);
        }
        stopped = false;
        startAwaitThread();
        LOG.info("evpl HTTP server started on " + server.address() + " (" + protocolName + ")");
    }

    /** The non-daemon thread that keeps the JVM alive until {@link #stop()}. */
    private void startAwaitThread() {
        CountDownLatch latch = new CountDownLatch(1);
        running = latch;
        Thread await = new Thread(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "evpl-server-await");
        await.setDaemon(false);
        await.start();
    }

    private static NativeIoException cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NativeIoException n) {
                return n;
            }
        }
        return null;
    }

    @Override
    public synchronized void stop() throws WebServerException {
        stopped = true;
        DisposableHttpServer s = server;
        if (s != null) {
            server = null;
            s.disposeNow(Duration.ZERO);
        }
        if (running != null) {
            running.countDown();
            running = null;
        }
    }

    @Override
    public int getPort() {
        DisposableHttpServer s = server;
        return s == null ? -1 : s.port();
    }

    @Override
    public void shutDownGracefully(GracefulShutdownCallback callback) {
        DisposableHttpServer s = server;
        if (shutdown != Shutdown.GRACEFUL || s == null) {
            callback.shutdownComplete(GracefulShutdownResult.IMMEDIATE);
            return;
        }
        LOG.info("evpl: commencing graceful shutdown, waiting for active requests to complete");
        s.shutdown();
        Thread waiter = new Thread(() -> {
            // Spring bounds this phase (spring.lifecycle.timeout-per-shutdown-phase) and calls stop()
            // when it expires, which ends the wait below.
            while (!stopped && !s.awaitTermination(Duration.ofMillis(50))) {
                Thread.onSpinWait();
            }
            boolean idle = s.connectionCount() == 0;
            LOG.info(idle ? "evpl: graceful shutdown complete" : "evpl: graceful shutdown aborted with requests active");
            callback.shutdownComplete(idle ? GracefulShutdownResult.IDLE : GracefulShutdownResult.REQUESTS_ACTIVE);
        }, "evpl-shutdown");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** The running server, or null before {@link #start()} and after {@link #stop()}. */
    public DisposableHttpServer server() {
        return server;
    }
}
