package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.spring.app.TestApp;
import dev.evpl.reactive.spring.web.EvplClientHttpConnector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** The context's WebClient runs on the evpl client, against Reactor Netty's server and against evpl's. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebClientOnEvplTest {
    @Value("${local.server.port}")
    int port;

    @Autowired
    WebClient.Builder builder;

    @Autowired
    ClientHttpConnector connector;

    @Test
    void theConnectorIsEvpls() {
        assertThat(connector).isInstanceOf(EvplClientHttpConnector.class);
    }

    @Test
    void againstReactorNettysServer() {
        DisposableServer peer = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/peer", (req, res) -> res.header("X-Peer", "reactor-netty").sendString(Mono.just("from netty")))
                        .post("/echo", (req, res) -> res.send(req.receive().retain())))
                .bindNow();
        try {
            WebClient web = builder.clone().codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20)).baseUrl("http://127.0.0.1:" + peer.port()).build();
            StepVerifier.create(web.get().uri("/peer").retrieve().toEntity(String.class))
                    .assertNext(e -> {
                        assertThat(e.getStatusCode().value()).isEqualTo(200);
                        assertThat(e.getHeaders().getFirst("X-Peer")).isEqualTo("reactor-netty");
                        assertThat(e.getBody()).isEqualTo("from netty");
                    })
                    .verifyComplete();
            byte[] payload = new byte[3 << 20];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = TestApp.pattern(i);
            }
            StepVerifier.create(web.post().uri("/echo").bodyValue(payload).retrieve().bodyToMono(byte[].class))
                    .assertNext(b -> assertThat(b).isEqualTo(payload))
                    .expectComplete().verify(Duration.ofSeconds(30));
        } finally {
            peer.disposeNow();
        }
    }

    /** WebClient calls cancelled by a timeout give their pooled evpl connections back (8 by default). */
    @Test
    void cancelledWebClientCallsDoNotExhaustThePool() {
        DisposableServer peer = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/slow", (req, res) -> res.sendString(Mono.delay(Duration.ofMillis(300)).thenReturn("late")))
                        .get("/fast", (req, res) -> res.sendString(Mono.just("fast"))))
                .bindNow();
        try {
            WebClient web = builder.clone().baseUrl("http://127.0.0.1:" + peer.port()).build();
            for (int round = 0; round < 5; round++) {
                Long timedOut = reactor.core.publisher.Flux.range(0, 30)
                        .flatMap(i -> web.get().uri("/slow").retrieve().bodyToMono(String.class)
                                .timeout(Duration.ofMillis(50)).map(x -> 0).onErrorResume(
                                        java.util.concurrent.TimeoutException.class, e -> Mono.just(1)))
                        .reduce(0L, (a, b) -> a + b).block(Duration.ofSeconds(10));
                assertThat(timedOut).isEqualTo(30);
            }
            assertThat(web.get().uri("/fast").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5)))
                    .isEqualTo("fast");
        } finally {
            peer.disposeNow();
        }
    }

    @Test
    void againstTheEvplServerWithJsonAndErrors() {
        WebClient web = builder.clone().codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20)).baseUrl("http://127.0.0.1:" + port).build();
        StepVerifier.create(web.post().uri("/items").bodyValue(new TestApp.Item("q", 3, "x"))
                        .retrieve().bodyToMono(TestApp.Item.class))
                .expectNext(new TestApp.Item("Q", 6, "created"))
                .verifyComplete();
        StepVerifier.create(web.get().uri("/thread").retrieve().bodyToMono(String.class).map(n -> n.substring(0, 9)))
                .expectNext("evpl-loop")
                .verifyComplete();
        StepVerifier.create(web.get().uri("/nowhere").retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WebClientResponseException.NotFound.class))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(web.get().uri("/download?size=" + (5 << 20)).retrieve().bodyToMono(byte[].class))
                .assertNext(b -> {
                    assertThat(b).hasSize(5 << 20);
                    for (int i = 0; i < b.length; i += 4099) {
                        assertThat(b[i]).isEqualTo(TestApp.pattern(i));
                    }
                })
                .expectComplete().verify(Duration.ofSeconds(30));
        byte[] upload = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        StepVerifier.create(web.post().uri("/upload").bodyValue(upload).retrieve()
                        .bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() { }))
                .assertNext(m -> assertThat(((Number) m.get("length")).intValue()).isEqualTo(100_000))
                .expectComplete().verify(Duration.ofSeconds(10));
    }
}
