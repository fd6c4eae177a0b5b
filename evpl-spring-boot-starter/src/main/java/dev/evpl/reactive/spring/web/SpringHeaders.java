package dev.evpl.reactive.spring.web;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.springframework.http.HttpHeaders;

/** Header copies between evpl's {@code HttpHeaders} and Spring's, both directions. */
final class SpringHeaders {
    private SpringHeaders() {
    }

    /** Spring headers holding every field of {@code in}, in order. */
    static HttpHeaders of(dev.evpl.reactive.http.HttpHeaders in) {
        HttpHeaders out = new HttpHeaders();
        for (int i = 0; i < in.size(); i++) {
            out.add(in.name(i), in.value(i));
        }
        return out;
    }

    /** Every name/value of {@code in} to {@code add} (one call per value). */
    static void forEach(HttpHeaders in, BiConsumer<String, String> add) {
        for (Map.Entry<String, List<String>> e : in.headerSet()) {
            for (String value : e.getValue()) {
                add.accept(e.getKey(), value);
            }
        }
    }
}
