package dev.evpl.reactive.http;

/** Character classes of RFC 9110 / 9112, as table lookups on bytes. */
final class Ascii {
    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            TOKEN[c] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        // field-vchar = VCHAR / obs-text; SP and HTAB inside a value.
        for (int c = 0x21; c <= 0x7E; c++) {
            FIELD_VALUE[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            FIELD_VALUE[c] = true;
        }
        FIELD_VALUE[' '] = true;
        FIELD_VALUE['\t'] = true;
        // request-target: visible ASCII only (no SP, no controls, no obs-text).
        for (int c = 0x21; c <= 0x7E; c++) {
            TARGET[c] = true;
        }
    }

    private Ascii() {
    }

    static boolean isTokenChar(byte b) {
        return TOKEN[b & 0xFF];
    }

    static boolean isFieldValueChar(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    static boolean isTargetChar(byte b) {
        return TARGET[b & 0xFF];
    }

    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** ISO-8859-1 string of {@code bytes[from, to)} (header bytes are octets; obs-text kept as is). */
    static String string(byte[] bytes, int from, int to) {
        // The Latin-1 decoder is a plain array copy into a compact string.
        return new String(bytes, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
