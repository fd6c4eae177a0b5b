package dev.evpl.reactive.http;

/** Parses one field line ({@code name: value}) of a header or trailer section (RFC 9112 §5). */
final class Fields {
    private Fields() {
    }

    /**
     * Parses {@code b[s, e)} (a line without its CRLF) into {@code out}; {@code section} names the
     * section in error messages ("header", "trailer").
     */
    static void parse(byte[] b, int s, int e, HttpHeaders out, String section) {
        if (b[s] == ' ' || b[s] == '\t') {
            throw new HttpException(400, "obsolete line folding in the " + section + " section (a line starting with "
                    + "whitespace) is not accepted");
        }
        int colon = -1;
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c == ':') {
                colon = i;
                break;
            }
            if (c == ' ' || c == '\t') {
                throw new HttpException(400, "whitespace between " + section + " name '" + Ascii.string(b, s, i)
                        + "' and the colon");
            }
            if (!Ascii.isTokenChar(c)) {
                throw new HttpException(400, "invalid character (code " + (c & 0xFF) + ") in " + section + " name '"
                        + Ascii.string(b, s, i) + "'");
            }
        }
        if (colon < 0) {
            throw new HttpException(400, section + " line without a colon: '" + Ascii.string(b, s, Math.min(e, s + 64)) + "'");
        }
        if (colon == s) {
            throw new HttpException(400, "empty " + section + " name");
        }
        int vs = colon + 1;
        int ve = e;
        while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            if (!Ascii.isFieldValueChar(b[i])) {
                throw new HttpException(400, "invalid character (code " + (b[i] & 0xFF) + ") in the value of " + section
                        + " '" + Ascii.string(b, s, colon) + "'");
            }
        }
        out.append(name(b, s, colon), Ascii.string(b, vs, ve));
    }

    private static final String[] COMMON = {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Content-Type", "Accept", "User-Agent",
        "Expect", "Accept-Encoding", "Cookie", "Date", "Server", "Keep-Alive", "TE", "Trailer",
    };

    /** The name as received; the common ones without allocating a new string when spelled canonically. */
    private static String name(byte[] b, int s, int e) {
        int n = e - s;
        for (String c : COMMON) {
            if (c.length() == n && matches(b, s, c)) {
                return c;
            }
        }
        return Ascii.string(b, s, e);
    }

    private static boolean matches(byte[] b, int s, String c) {
        for (int i = 0; i < c.length(); i++) {
            if (b[s + i] != c.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
