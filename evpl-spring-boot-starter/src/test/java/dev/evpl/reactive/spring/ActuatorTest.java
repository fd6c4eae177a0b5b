package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.spring.app.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.testsupport.LoopErrorsExtension;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Health and meters of the loops at the actuator endpoints, served by evpl itself. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always",
        "evpl.loops.count=2" })
class ActuatorTest {
    @Value("${local.server.port}")
    int port;
    @Autowired
    EventLoopGroup loops;

    private WebTestClient client() {
        return WebTestClient.bindToServer(new ReactorClientHttpConnector()).baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthShowsTheLoops() {
        Map<String, Object> health = client().get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        assertThat(health.get("status")).isEqualTo("UP");
        Map<String, Object> evpl = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("evpl");
        assertThat(evpl.get("status")).isEqualTo("UP");
        Map<String, Object> details = (Map<String, Object>) evpl.get("details");
        assertThat(details).containsEntry("loops", 2).containsEntry("loopsAlive", 2)
                .containsEntry("protocol", "STREAM_SOCKET_TCP")
                .containsKeys("ioUring", "bufferMappedBytes", "bufferInUseBytes");
        assertThat((Integer) details.get("httpConnections")).isGreaterThanOrEqualTo(1); // this request's
    }

    @Test
    @SuppressWarnings("unchecked")
    void metersArePublished() {
        client().get().uri("/hello").exchange().expectStatus().isOk();
        Map<String, Object> all = client().get().uri("/actuator/metrics").exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        assertThat((List<String>) all.get("names")).contains("evpl.loop.iterations", "evpl.loop.tasks",
                "evpl.loop.wakeups", "evpl.loop.time", "evpl.loop.polling", "evpl.loop.bytes.received",
                "evpl.loop.bytes.sent", "evpl.buffer.pool.mapped", "evpl.buffer.pool.in.use", "evpl.buffer.pool.free",
                "evpl.http.server.connections", "http.server.requests");
        assertThat(measurement("evpl.loop.bytes.received")).isGreaterThan(0);
        assertThat(measurement("evpl.loop.bytes.sent")).isGreaterThan(0);
        assertThat(measurement("evpl.loop.iterations")).isGreaterThan(0);
        assertThat(measurement("evpl.loop.time?tag=state:sleep")).isGreaterThan(0);
        // WebFlux's request timer, tagged by URI template (bounded cardinality)
        assertThat(measurement("http.server.requests?tag=uri:/hello")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anExceptionThatEscapesALoopCallbackIsCountedInTheMeterAndTheHealth() throws InterruptedException {
        double before = measurement("evpl.loop.callback.errors");
        CountDownLatch ran = new CountDownLatch(1);
        loops.loop(1).schedule(() -> {
            ran.countDown();
            throw new IllegalStateException("escaped from a task");
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        // the loop goes on: a later task on it runs
        CountDownLatch later = new CountDownLatch(1);
        loops.loop(1).schedule(later::countDown);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(LoopErrorsExtension.take()).singleElement()
                .satisfies(e -> assertThat(e).hasRootCauseMessage("escaped from a task"));
        assertThat(measurement("evpl.loop.callback.errors")).isEqualTo(before + 1);
        assertThat(measurement("evpl.loop.callback.errors?tag=loop:" + loops.loop(1).name())).isGreaterThanOrEqualTo(1);
        Map<String, Object> health = client().get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        Map<String, Object> evpl = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("evpl");
        assertThat(((Number) ((Map<String, Object>) evpl.get("details")).get("callbackErrors")).longValue())
                .isGreaterThanOrEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private double measurement(String nameAndQuery) {
        Map<String, Object> m = client().get().uri("/actuator/metrics/" + nameAndQuery).exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        List<Map<String, Object>> values = (List<Map<String, Object>>) m.get("measurements");
        return ((Number) values.get(0).get("value")).doubleValue();
    }
}
