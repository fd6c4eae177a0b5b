package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.spring.app.TestApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code evpl.enabled=false}: nothing of evpl is configured and the application runs on Reactor Netty. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "evpl.enabled=false")
class BackOffTest {
    @Value("${local.server.port}")
    int port;

    @Autowired
    ReactiveWebServerFactory factory;

    @Autowired
    ApplicationContext context;

    @Test
    void backsOffToReactorNetty() {
        assertThat(factory).isInstanceOf(NettyReactiveWebServerFactory.class);
        assertThat(context.getBeansOfType(EventLoopGroup.class)).isEmpty();
        assertThat(context.getBean(ClientHttpConnector.class)).isInstanceOf(ReactorClientHttpConnector.class);
        WebTestClient.bindToServer(new ReactorClientHttpConnector()).baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build()
                .get().uri("/thread").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(name -> assertThat(name).doesNotStartWith("evpl-loop")); // Reactor Netty's event loop
    }
}
