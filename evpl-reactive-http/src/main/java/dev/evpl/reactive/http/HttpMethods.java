package dev.evpl.reactive.http;

/**
 * The request methods the server implements (RFC 9110 §9 and PATCH). CONNECT is not: a server
 * that is not a proxy answers it with 501 like any unknown method.
 */
final class HttpMethods {
    static final String GET = "GET";
    static final String HEAD = "HEAD";
    static final String POST = "POST";
    static final String PUT = "PUT";
    static final String DELETE = "DELETE";
    static final String OPTIONS = "OPTIONS";
    static final String PATCH = "PATCH";
    static final String TRACE = "TRACE";
    private static final String[] KNOWN = {GET, POST, HEAD, PUT, DELETE, OPTIONS, PATCH, TRACE};

    private HttpMethods() {
    }

    /** The method's constant string when {@code b[s, e)} names an implemented method (case-sensitive), else null. */
    static String canonical(byte[] b, int s, int e) {
        for (String m : KNOWN) {
            if (m.length() == e - s && matches(b, s, m)) {
                return m;
            }
        }
        return null;
    }

    private static boolean matches(byte[] b, int s, String m) {
        for (int i = 0; i < m.length(); i++) {
            if (b[s + i] != m.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
