package dev.evpl.reactive.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * An ordered list of header (or trailer) fields: names compared case-insensitively, the order and
 * case as received or as added, repeated names kept as separate entries.
 *
 * <p>Fields added by an application are validated: a name must be an RFC 9110 token and a value
 * may not contain CR, LF, NUL or other control characters (horizontal tab excepted), so nothing an
 * application passes can split a response. Violations throw {@link IllegalArgumentException}.
 *
 * <p>Not thread-safe; a request's headers are read-only ({@link #isReadOnly()}).
 */
public final class HttpHeaders {
    /** The empty, read-only list (no trailers): shared, so a request without any allocates none. */
    static final HttpHeaders EMPTY = new HttpHeaders().freeze();

    /** Shared by every list nothing was added to yet: an unused list costs no array. */
    private static final String[] NONE = {};

    private String[] entries = NONE;
    private int size;
    private boolean readOnly;

    /** An empty, mutable header list. */
    public HttpHeaders() {
        // the array comes with the first field (4 fields, then doubling)
    }

    /** Number of fields (a repeated name counts each time). */
    public int size() {
        return size;
    }

    /** Whether there are no fields. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The name of field {@code i}, as received or added. */
    public String name(int i) {
        checkIndex(i);
        return entries[2 * i];
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        checkIndex(i);
        return entries[2 * i + 1];
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (entries[2 * i].equalsIgnoreCase(name)) {
                return entries[2 * i + 1];
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (entries[2 * i].equalsIgnoreCase(name)) {
                values.add(entries[2 * i + 1]);
            }
        }
        return values;
    }

    /** Whether {@code name} is present. */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /** Whether {@code name} carries the comma-separated token {@code token} (case-insensitive), as in {@code Connection: close}. */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (entries[2 * i].equalsIgnoreCase(name) && hasToken(entries[2 * i + 1], token)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasToken(String list, String token) {
        int start = 0;
        int n = list.length();
        while (start <= n) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int a = start;
            int b = end;
            while (a < b && (list.charAt(a) == ' ' || list.charAt(a) == '\t')) {
                a++;
            }
            while (b > a && (list.charAt(b - 1) == ' ' || list.charAt(b - 1) == '\t')) {
                b--;
            }
            if (b - a == token.length() && list.regionMatches(true, a, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }

    /** Appends a field; returns this. */
    public HttpHeaders add(String name, String value) {
        checkWritable();
        validateName(name);
        validateValue(name, value);
        append(name, value);
        return this;
    }

    /** Replaces every field named {@code name} with one; returns this. */
    public HttpHeaders set(String name, String value) {
        checkWritable();
        validateName(name);
        validateValue(name, value);
        removeAll(name);
        append(name, value);
        return this;
    }

    /** Removes every field named {@code name}; returns this. */
    public HttpHeaders remove(String name) {
        checkWritable();
        removeAll(name);
        return this;
    }

    /** Calls {@code action} with each field in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(entries[2 * i], entries[2 * i + 1]);
        }
    }

    /** Whether this list rejects changes (a received request's headers and trailers). */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** Appends without validation: for the parser, which validated already. */
    void append(String name, String value) {
        if (2 * size == entries.length) {
            entries = entries.length == 0 ? new String[8] : Arrays.copyOf(entries, entries.length * 2);
        }
        entries[2 * size] = name;
        entries[2 * size + 1] = value;
        size++;
    }

    /** Makes this list read-only; returns this. */
    HttpHeaders freeze() {
        readOnly = true;
        return this;
    }


    private void removeAll(String name) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!entries[2 * r].equalsIgnoreCase(name)) {
                entries[2 * w] = entries[2 * r];
                entries[2 * w + 1] = entries[2 * r + 1];
                w++;
            }
        }
        Arrays.fill(entries, 2 * w, 2 * size, null);
        size = w;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("these headers are read-only");
        }
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("header index " + i + " out of " + size);
        }
    }

    static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name must be a non-empty token");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !Ascii.isTokenChar((byte) c)) {
                throw new IllegalArgumentException("header name '" + printable(name) + "' contains a character that is not "
                        + "allowed in a token at index " + i);
            }
        }
    }

    static void validateValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header '" + name + "': value must not be null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("header '" + name + "': value contains a forbidden character (code "
                        + (int) c + ") at index " + i + "; CR, LF, NUL and other controls are never written");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c >= 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("HttpHeaders[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(entries[2 * i]).append(": ").append(entries[2 * i + 1]);
        }
        return sb.append(']').toString();
    }
}
