package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.http.ResponseFraming.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The framing decision in one table (RFC 9112 §6.3): every case the writer can meet, what the
 * head announces, whether a body follows, and whether the connection survives.
 */
class ResponseFramingTest {

    @ParameterizedTest(name = "{0} HEAD={1} {2} declared={3} length={4} -> {5} {6}")
    @CsvSource(nullValues = "-", value = {
            // version, HEAD?, status, declared CL, body length, kind, announced CL, chunked head, body, keep-alive
            "HTTP_1_1, false, 200, -,   13, LENGTH,  13, false, true,  true",
            "HTTP_1_1, false, 200, 13,  13, LENGTH,  13, false, true,  true",
            "HTTP_1_1, false, 200, ' 5 ', -1, LENGTH, 5, false, true,  true",
            "HTTP_1_1, false, 200, -,   -1, CHUNKED, -,  true,  true,  true",
            "HTTP_1_0, false, 200, -,   -1, CLOSE,   -,  false, true,  false",
            "HTTP_1_0, false, 200, -,   7,  LENGTH,  7,  false, true,  true",
            "HTTP_1_1, true,  200, -,   -1, NONE,    -,  true,  false, true",
            "HTTP_1_1, true,  200, 99,  0,  NONE,    99, false, false, true",
            "HTTP_1_0, true,  200, -,   -1, NONE,    -,  false, false, true",
            "HTTP_1_1, false, 204, 5,   0,  NONE,    -,  false, false, true",
            "HTTP_1_1, false, 304, -,   -1, NONE,    -,  false, false, true",
            "HTTP_1_1, false, 101, -,   0,  NONE,    -,  false, false, true" })
    void eachCase(HttpVersion version, boolean head, int status, String declared, long length, Kind kind,
            String announced, boolean chunkedHead, boolean body, boolean keepAlive) {
        HttpHeaders h = new HttpHeaders();
        if (declared != null) {
            h.set("Content-Length", declared);
        }
        ResponseFraming f = new ResponseFraming().decide(version, head, status, h, length);
        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.contentLength()).isEqualTo(announced);
        assertThat(f.chunkedHead()).isEqualTo(chunkedHead);
        assertThat(f.sendsBody()).isEqualTo(body);
        assertThat(f.keepAliveAfter(true, false)).isEqualTo(keepAlive);
        assertThat(f.keepAliveAfter(false, false)).as("a connection that was to close closes").isFalse();
        assertThat(f.keepAliveAfter(true, true)).as("an announced body never asked for ends the connection").isFalse();
    }

    @ParameterizedTest
    @CsvSource({"12, 13, 'Content-Length 12 set by the handler, but the body has 13 bytes'",
            "abc, 3, invalid Content-Length 'abc' set by the handler",
            "-1, -1, invalid Content-Length '-1' set by the handler"})
    void aContentLengthThatCannotBeHonouredIsRefusedByName(String declared, long length, String message) {
        HttpHeaders h = new HttpHeaders().set("Content-Length", declared);
        assertThatThrownBy(() -> new ResponseFraming().decide(HttpVersion.HTTP_1_1, false, 200, h, length)).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({"HTTP_1_1, 200", "HTTP_1_0, 500"})
    void oneInstanceIsReusedWithoutCarryingAnythingOver(HttpVersion version, int status) {
        ResponseFraming f = new ResponseFraming();
        f.decide(HttpVersion.HTTP_1_0, false, 200, new HttpHeaders(), -1); // CLOSE: keep-alive off
        f.decide(version, false, status, new HttpHeaders(), 4);
        assertThat(f.kind()).isEqualTo(Kind.LENGTH);
        assertThat(f.contentLength()).isEqualTo("4");
        assertThat(f.keepAliveAfter(true, false)).isTrue();
    }
}
