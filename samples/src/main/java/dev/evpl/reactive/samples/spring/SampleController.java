package dev.evpl.reactive.samples.spring;

import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** Annotated endpoints: plain text, JSON, and a server-sent event stream. */
@RestController
class SampleController {
    /** The benchmark endpoint: 13 bytes of text. */
    @GetMapping(path = "/hello", produces = MediaType.TEXT_PLAIN_VALUE)
    String hello() {
        return "Hello, World!";
    }

    /** Which thread served the request (an evpl loop). */
    @GetMapping("/info")
    Map<String, Object> info() {
        return Map.of("thread", Thread.currentThread().getName(), "server", "evpl");
    }

    /** {@code count} events, one every {@code everyMs} milliseconds, each sent as it happens. */
    @GetMapping(path = "/ticks", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> ticks(@RequestParam(defaultValue = "5") int count,
            @RequestParam(defaultValue = "100") long everyMs) {
        return Flux.interval(Duration.ofMillis(everyMs)).take(count)
                .map(i -> ServerSentEvent.builder("tick " + i).id(Long.toString(i)).build());
    }
}
