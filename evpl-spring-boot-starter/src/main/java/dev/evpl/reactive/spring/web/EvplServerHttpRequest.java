package dev.evpl.reactive.spring.web;

import dev.evpl.reactive.http.HttpServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import org.springframework.core.io.buffer.DataBuffer;

/**
 * WebFlux's view of an evpl request: headers copied once into Spring's map, the body passed
 * through as {@link SegmentDataBuffer}s (zero-copy; demand reaches the socket as with the evpl
 * API). Created and used on the connection's event loop.
 */
final class EvplServerHttpRequest extends AbstractServerHttpRequest {
    private final HttpServerRequest request;
    private final SegmentDataBufferFactory buffers;

    EvplServerHttpRequest(HttpServerRequest request, SegmentDataBufferFactory buffers, URI uri) {
        super(HttpMethod.valueOf(request.method()), uri, "", SpringHeaders.of(request.headers()));
        this.request = request;
        this.buffers = buffers;
    }

    /**
     * The request's absolute URI: {@code http://} (or {@code https://} over TLS) + Host (or the local address) + target. Throws
     * {@link IllegalArgumentException} for a target Java's URI refuses.
     */
    static URI uri(HttpServerRequest request) {
        String target = request.target();
        if (target.startsWith("http://") || target.startsWith("https://")) {
            return URI.create(target); // absolute-form (RFC 9112 §3.2.2)
        }
        if ("*".equals(target)) {
            target = "/";
        }
        String host = request.headers().get("Host");
        if (host == null || host.isEmpty()) {
            SocketAddress local = request.localAddress();
            host = local instanceof InetSocketAddress a
                    ? (a.getAddress().getHostAddress().indexOf(':') >= 0 ? "[" + a.getAddress().getHostAddress() + "]"
                            : a.getAddress().getHostAddress()) + ":" + a.getPort()
                    : "localhost";
        }
        return URI.create((request.sslSession() != null ? "https://" : "http://") + host + target);
    }

    @Override
    protected MultiValueMap<String, HttpCookie> initCookies() {
        MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
        for (String header : getHeaders().getOrEmpty(HttpHeaders.COOKIE)) {
            // RFC 6265 §4.2.1: cookie-pair *( ";" SP cookie-pair )
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = p.substring(0, eq).trim();
                String value = p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                cookies.add(name, new HttpCookie(name, value));
            }
        }
        return cookies;
    }

    @Override
    protected SslInfo initSslInfo() {
        javax.net.ssl.SSLSession session = request.sslSession();
        if (session == null) {
            return null;
        }
        String id = java.util.HexFormat.of().formatHex(session.getId());
        java.security.cert.X509Certificate[] peer;
        try {
            java.security.cert.Certificate[] certs = session.getPeerCertificates();
            peer = java.util.Arrays.stream(certs).filter(c -> c instanceof java.security.cert.X509Certificate)
                    .toArray(java.security.cert.X509Certificate[]::new);
        } catch (javax.net.ssl.SSLPeerUnverifiedException noClientCertificate) {
            return SslInfo.from(id);
        }
        return SslInfo.from(id, peer);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeRequest() {
        return (T) request;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return request.remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return request.localAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        return request.receive().map(buffers::wrap);
    }
}
