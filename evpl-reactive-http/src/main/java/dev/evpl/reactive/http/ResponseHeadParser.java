package dev.evpl.reactive.http;


/**
 * Incremental, strict parser of a response head (status line and header section, RFC 9112 §4–§6)
 * for the client; fed like {@link RequestHeadParser}. Errors are {@link HttpException}s with status
 * 0 naming what was malformed. Loop-confined, reused per response.
 */
final class ResponseHeadParser extends HeadScanner {
    private final int maxHeaderBlock;
    private boolean statusLineDone;

    HttpVersion version;
    int status;
    String reason;
    HttpHeaders headers;

    ResponseHeadParser(int maxHeaderBlock) {
        this.maxHeaderBlock = maxHeaderBlock;
        reset();
    }

    void reset() {
        resetScanner();
        statusLineDone = false;
        version = null;
        status = 0;
        reason = null;
        headers = new HttpHeaders();
    }

    @Override
    void checkLimits(int lineStart) {
        if (scan > maxHeaderBlock + 1024) {
            throw new HttpException(0, "malformed response: head larger than " + (maxHeaderBlock + 1024) + " bytes");
        }
    }

    @Override
    String where() {
        return "response head";
    }

    @Override
    HttpException malformed(String message) {
        return new HttpException(0, "malformed response: " + message);
    }

    @Override
    void line(int s, int e) {
        if (!statusLineDone) {
            statusLine(s, e);
            statusLineDone = true;
            return;
        }
        if (s == e) {
            complete = true;
            headers.freeze();
            return;
        }
        try {
            Fields.parse(buf, s, e, headers, "header");
        } catch (HttpException ex) {
            throw new HttpException(0, "malformed response: " + ex.getMessage());
        }
    }

    /** {@code HTTP/1.x SP 3DIGIT SP [reason]}. */
    private void statusLine(int s, int e) {
        if (e - s < 12 || buf[s] != 'H' || buf[s + 1] != 'T' || buf[s + 2] != 'T' || buf[s + 3] != 'P' || buf[s + 4] != '/'
                || buf[s + 5] != '1' || buf[s + 6] != '.' || (buf[s + 7] != '0' && buf[s + 7] != '1') || buf[s + 8] != ' ') {
            throw new HttpException(0, "malformed response status line '" + Ascii.string(buf, s, Math.min(e, s + 40)) + "'");
        }
        version = buf[s + 7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        int code = 0;
        for (int i = s + 9; i < s + 12; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                throw new HttpException(0, "malformed response status code in '" + Ascii.string(buf, s, Math.min(e, s + 40)) + "'");
            }
            code = code * 10 + (buf[i] - '0');
        }
        if (code < 100) {
            throw new HttpException(0, "malformed response status code " + code);
        }
        if (e > s + 12 && buf[s + 12] != ' ') {
            throw new HttpException(0, "malformed response status line (no space after the code)");
        }
        for (int i = s + 13; i < e; i++) {
            if (!Ascii.isFieldValueChar(buf[i])) {
                throw new HttpException(0, "invalid character (code " + (buf[i] & 0xFF) + ") in the response reason phrase");
            }
        }
        status = code;
        reason = e > s + 13 ? Ascii.string(buf, s + 13, e) : "";
    }
}
