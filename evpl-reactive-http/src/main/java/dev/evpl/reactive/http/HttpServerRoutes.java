package dev.evpl.reactive.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.reactivestreams.Publisher;

/**
 * A small router: method + path pattern → handler, first match wins. A pattern is a path whose
 * segments are literals, {@code {name}} (one segment, available as {@code request.param(name)}),
 * or a final {@code **} (any rest). A {@code GET} route serves {@code HEAD} too. No matching path
 * gives 404; a path matched only for other methods gives 405 with {@code Allow}.
 *
 * <p>Configure before the server is bound (not thread-safe while being configured); matching is
 * then read-only and safe on every loop.
 */
public final class HttpServerRoutes implements HttpHandler {
    private final List<Route> routes = new ArrayList<>();

    private HttpServerRoutes() {
    }

    /** An empty router. */
    public static HttpServerRoutes create() {
        return new HttpServerRoutes();
    }

    /** Routes {@code GET} (and {@code HEAD}) on {@code pattern}. */
    public HttpServerRoutes get(String pattern, HttpHandler handler) {
        return route(HttpMethods.GET, pattern, handler);
    }

    /** Routes {@code POST} on {@code pattern}. */
    public HttpServerRoutes post(String pattern, HttpHandler handler) {
        return route(HttpMethods.POST, pattern, handler);
    }

    /** Routes {@code PUT} on {@code pattern}. */
    public HttpServerRoutes put(String pattern, HttpHandler handler) {
        return route(HttpMethods.PUT, pattern, handler);
    }

    /** Routes {@code DELETE} on {@code pattern}. */
    public HttpServerRoutes delete(String pattern, HttpHandler handler) {
        return route(HttpMethods.DELETE, pattern, handler);
    }

    /** Routes every method on {@code pattern}. */
    public HttpServerRoutes any(String pattern, HttpHandler handler) {
        return route(null, pattern, handler);
    }

    /** Routes {@code method} (null: any) on {@code pattern}. */
    public HttpServerRoutes route(String method, String pattern, HttpHandler handler) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(handler, "handler");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with '/', got '" + pattern + "'");
        }
        String[] parts = split(pattern);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("**") && i != parts.length - 1) {
                throw new IllegalArgumentException("'**' may only end a route pattern: '" + pattern + "'");
            }
        }
        boolean literal = pattern.indexOf('{') < 0 && pattern.indexOf('*') < 0;
        routes.add(new Route(method, parts, handler, literal ? pattern : null));
        return this;
    }

    @Override
    public Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        String rawPath = request.path();
        String[] path = null;
        Set<String> allowed = null;
        for (int i = 0, n = routes.size(); i < n; i++) { // indexed: no iterator per request
            Route r = routes.get(i);
            Map<String, String> params;
            if (r.literal != null && r.literal.equals(rawPath)) {
                params = Map.of(); // exact literal match: no split, no allocation
            } else {
                if (path == null) {
                    path = split(rawPath);
                }
                params = r.match(path);
            }
            if (params == null) {
                continue;
            }
            if (r.method == null || r.method.equals(request.method())
                    || (r.method.equals(HttpMethods.GET) && request.method().equals(HttpMethods.HEAD))) {
                if (request instanceof ServerRequest sr) {
                    sr.params = params;
                }
                return r.handler.handle(request, response);
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method);
            if (r.method.equals(HttpMethods.GET)) {
                allowed.add(HttpMethods.HEAD);
            }
        }
        if (allowed != null) {
            return response.status(405).header("Allow", String.join(", ", allowed))
                    .sendString("method " + request.method() + " not allowed on " + request.path() + "\n");
        }
        return response.status(404).sendString("no route for " + request.path() + "\n");
    }

    private static String[] split(String path) {
        List<String> parts = new ArrayList<>();
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            if (end > start) {
                parts.add(path.substring(start, end));
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return parts.toArray(new String[0]);
    }

    private record Route(String method, String[] parts, HttpHandler handler, String literal) {
        Map<String, String> match(String[] path) {
            Map<String, String> params = null;
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.equals("**")) {
                    return params == null ? Map.of() : params;
                }
                if (i >= path.length) {
                    return null;
                }
                if (p.length() > 2 && p.charAt(0) == '{' && p.charAt(p.length() - 1) == '}') {
                    if (params == null) {
                        params = new HashMap<>(4);
                    }
                    params.put(p.substring(1, p.length() - 1), path[i]);
                } else if (!p.equals(path[i])) {
                    return null;
                }
            }
            if (path.length != parts.length) {
                return null;
            }
            return params == null ? Map.of() : params;
        }
    }
}
