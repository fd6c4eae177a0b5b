package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.spring.app.TestApp;
import dev.evpl.reactive.spring.web.EvplReactiveWebServerFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.security.MessageDigest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * A WebFlux application with the starter on the classpath (and Reactor Netty too) serves on evpl
 * loops; driven over real sockets by WebTestClient on Reactor Netty's client.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebFluxOnEvplTest {
    @Value("${local.server.port}")
    int port;

    @Autowired
    ReactiveWebServerFactory factory;

    WebTestClient client;

    @BeforeEach
    void client() {
        client = WebTestClient.bindToServer(new ReactorClientHttpConnector())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(60))
                .build();
    }

    @Test
    void evplWinsOverReactorNetty() {
        assertThat(factory).isInstanceOf(EvplReactiveWebServerFactory.class);
    }

    @Test
    void controllerRunsOnAnEvplLoop() {
        client.get().uri("/thread").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(name -> assertThat(name).startsWith("evpl-loop-"));
        client.get().uri("/hello").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class).isEqualTo("Hello, World!");
    }

    @Test
    void functionalRouteWithPathVariable() {
        client.get().uri("/fn/hello/ada").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).startsWith("Hello, ada from evpl-loop-"));
    }

    @Test
    void jsonInAndOut() {
        client.get().uri("/items/x42?quantity=7").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(TestApp.Item.class).isEqualTo(new TestApp.Item("x42", 7, "fetched"));
        client.post().uri("/items").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new TestApp.Item("abc", 5, "in")).exchange()
                .expectStatus().isOk()
                .expectBody(TestApp.Item.class).isEqualTo(new TestApp.Item("ABC", 10, "created"));
    }

    @Test
    void serverSentEventsStreamAsTheyHappen() {
        Flux<ServerSentEvent<String>> events = client.get().uri("/events?count=5")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody();
        StepVerifier.create(events.map(e -> e.event() + ":" + e.id() + ":" + e.data()))
                .expectNext("tick:0:tick 0", "tick:1:tick 1", "tick:2:tick 2", "tick:3:tick 3", "tick:4:tick 4")
                .verifyComplete();
    }

    @Test
    void fastEventsKeepUpWithAnIntervalThatCannotBuffer() {
        // Flux.interval fails when a tick finds no demand: the writer must keep requesting events
        Flux<ServerSentEvent<String>> events = client.get().uri("/events?count=300&everyMs=1")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody();
        StepVerifier.create(events.count()).expectNext(300L).expectComplete().verify(Duration.ofSeconds(30));
    }

    @Test
    void errorStatuses() {
        client.get().uri("/nowhere").exchange().expectStatus().isNotFound();
        client.post().uri("/hello").exchange().expectStatus().isEqualTo(405);
        client.post().uri("/items").contentType(MediaType.APPLICATION_JSON).bodyValue("{not json")
                .exchange().expectStatus().isBadRequest();
        client.get().uri("/items/x?quantity=notanumber").exchange().expectStatus().isBadRequest();
    }

    @Test
    void upload64MiBCheckedByDigest() throws Exception {
        int size = 64 << 20;
        int chunk = 256 * 1024;
        MessageDigest sha = TestApp.sha256();
        Flux<DataBuffer> body = Flux.range(0, size / chunk).map(c -> {
            byte[] bytes = new byte[chunk];
            for (int i = 0; i < chunk; i++) {
                bytes[i] = TestApp.pattern((long) c * chunk + i);
            }
            sha.update(bytes);
            return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
        });
        Map<String, Object> result = client.post().uri("/upload").contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(body, DataBuffer.class).exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        assertThat(((Number) result.get("length")).longValue()).isEqualTo(size);
        assertThat(result.get("sha256")).isEqualTo(HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void download64MiBCheckedByDigest() {
        long size = 64L << 20;
        MessageDigest expected = TestApp.sha256();
        byte[] pattern = new byte[(int) size];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = TestApp.pattern(i);
        }
        expected.update(pattern);
        MessageDigest got = TestApp.sha256();
        long[] length = new long[1];
        Flux<DataBuffer> body = client.get().uri("/download?size=" + size).exchange()
                .expectStatus().isOk()
                .returnResult(DataBuffer.class).getResponseBody();
        StepVerifier.create(body.doOnNext(b -> {
            length[0] += b.readableByteCount();
            try (DataBuffer.ByteBufferIterator it = b.readableByteBuffers()) {
                while (it.hasNext()) {
                    got.update(it.next());
                }
            }
            DataBufferUtils.release(b);
        }).then()).expectComplete().verify(Duration.ofSeconds(60));
        assertThat(length[0]).isEqualTo(size);
        assertThat(got.digest()).isEqualTo(expected.digest());
    }

    @Test
    void headIsAnsweredWithoutBody() throws Exception {
        String response = raw("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response).containsIgnoringCase("content-length: 13");
        assertThat(response).endsWith("\r\n\r\n");
    }

    @Test
    void malformedRequestGets400FromTheEvplParserAndTheServerGoesOn() throws Exception {
        String response = raw("GET /hello HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400");
        client.get().uri("/hello").exchange().expectStatus().isOk();
    }

    @Test
    void keepAliveAndPipeliningInOrder() throws Exception {
        String response = raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /items/p1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /fn/hello/z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        // bodies carry no line end, so the next status line follows a body on the same line
        assertThat(response.split("HTTP/1\\.1 ", -1)).hasSize(4);
        assertThat(response.split("HTTP/1\\.1 200 OK\r\n", -1)).hasSize(4);
        assertThat(response.indexOf("Hello, World!")).isLessThan(response.indexOf("\"p1\""));
        assertThat(response.indexOf("\"p1\"")).isLessThan(response.indexOf("Hello, z"));
    }

    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
