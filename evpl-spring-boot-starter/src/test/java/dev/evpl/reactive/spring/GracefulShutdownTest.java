package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.spring.app.TestApp;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.netty.http.client.HttpClient;

/** {@code server.shutdown=graceful}: closing the context lets the request in flight finish, refuses new ones. */
class GracefulShutdownTest {

    @Test
    void anInFlightRequestFinishesAndNewConnectionsAreRefused() throws Exception {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class)
                .properties("server.port=0", "server.address=127.0.0.1", "server.shutdown=graceful",
                        "spring.lifecycle.timeout-per-shutdown-phase=20s")
                .run();
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        CompletableFuture<String> slow = HttpClient.create().get().uri("http://127.0.0.1:" + port + "/slow?ms=2500")
                .responseSingle((res, body) -> body.asString().map(b -> res.status().code() + " " + b))
                .toFuture();
        Thread.sleep(400); // the request is in the handler now
        long start = System.nanoTime();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(ctx::close);
        Thread.sleep(300);
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("200 slow done");
        closing.get(20, TimeUnit.SECONDS);
        // waited for the request (about 1.1 s left of it), not for the 20 s phase timeout
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void immediateShutdownDoesNotWait() throws Exception {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class)
                .properties("server.port=0", "server.address=127.0.0.1", "server.shutdown=immediate")
                .run();
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        CompletableFuture<String> slow = HttpClient.create().get().uri("http://127.0.0.1:" + port + "/slow?ms=2500")
                .responseSingle((res, body) -> body.asString()).toFuture();
        Thread.sleep(400);
        long start = System.nanoTime();
        ctx.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(slow).failsWithin(Duration.ofSeconds(5));
        // the handler's delayed answer comes after the server and its loops are gone: it must fail
        // cleanly and give its buffer back (the leak check after this test would see it otherwise)
        Thread.sleep(3000);
    }
}
