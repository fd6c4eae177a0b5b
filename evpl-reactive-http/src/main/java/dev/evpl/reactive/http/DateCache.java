package dev.evpl.reactive.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header value (IMF-fixdate, RFC 9110 §5.6.7), formatted once per second. Thread-safe. */
final class DateCache {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** Immutable pair, published through one volatile field. */
    private record Entry(long second, String text) {
    }

    private static volatile Entry current = new Entry(Long.MIN_VALUE, "");

    private DateCache() {
    }

    static String now() {
        long second = System.currentTimeMillis() / 1000;
        Entry e = current;
        if (e.second != second) {
            e = new Entry(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
            current = e;
        }
        return e.text;
    }
}
