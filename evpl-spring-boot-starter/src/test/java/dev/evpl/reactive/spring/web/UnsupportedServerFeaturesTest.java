package dev.evpl.reactive.spring.web;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.http.server.reactive.HttpHandler;
import reactor.core.publisher.Mono;

/** What the evpl server does not do yet is refused at start-up with a message that says what to do instead. */
class UnsupportedServerFeaturesTest {
    private static final HttpHandler NOTHING = (request, response) -> Mono.empty();

    @Test
    void http2IsRefusedWithTheWayOut() {
        try (EventLoopGroup loops = EventLoopGroup.create(1)) {
            EvplReactiveWebServerFactory factory = new EvplReactiveWebServerFactory(loops);
            Http2 http2 = new Http2();
            http2.setEnabled(true);
            factory.setHttp2(http2);
            assertThatThrownBy(() -> factory.getWebServer(NOTHING)).isInstanceOf(WebServerException.class)
                    .hasMessageContaining("server.http2.enabled is not supported by evpl yet")
                    .hasMessageContaining("evpl.enabled=false");
        }
    }
}
