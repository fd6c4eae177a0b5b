package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.http.HttpClientResponse;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;

/** WebClient's view of an evpl response: status, headers (copied once), the body as segments. */
final class EvplClientHttpResponse implements ClientHttpResponse {
    private final HttpClientResponse response;
    private final SegmentDataBufferFactory buffers;
    private final HttpHeaders headers;

    EvplClientHttpResponse(HttpClientResponse response, SegmentDataBufferFactory buffers) {
        this.response = response;
        this.buffers = buffers;
        this.headers = SpringHeaders.of(response.headers());
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return HttpStatusCode.valueOf(response.status());
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public MultiValueMap<String, ResponseCookie> getCookies() {
        MultiValueMap<String, ResponseCookie> cookies = new LinkedMultiValueMap<>();
        for (String header : headers.getOrEmpty(HttpHeaders.SET_COOKIE)) {
            for (java.net.HttpCookie c : java.net.HttpCookie.parse(header)) {
                cookies.add(c.getName(), ResponseCookie.fromClientResponse(c.getName(), c.getValue())
                        .domain(c.getDomain()).path(c.getPath()).maxAge(c.getMaxAge())
                        .secure(c.getSecure()).httpOnly(c.isHttpOnly()).build());
            }
        }
        return cookies;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        return response.body().map(buffers::wrap);
    }
}
