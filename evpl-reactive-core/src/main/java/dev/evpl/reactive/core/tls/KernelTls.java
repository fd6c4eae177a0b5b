package dev.evpl.reactive.core.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether records could be sealed by the kernel (kTLS: {@code setsockopt(TCP_ULP, "tls")} then the
 * traffic keys through {@code SOL_TLS}) instead of in Java. Today every record is sealed by the
 * engine in Java: kTLS needs a kernel built with {@code CONFIG_TLS} and an engine that hands its
 * traffic secrets over after the handshake, which the JDK's {@code SSLEngine} does not. This class
 * detects the first half and says why offload is off, so operators see it in health reports.
 *
 * <p>Read once, when first used (a small file under {@code /proc}); thread-safe.
 */
public final class KernelTls {
    private static final Path ULPS = Path.of("/proc/sys/net/ipv4/tcp_available_ulp");
    private static final String ULP_LIST = readUlps();
    private static final boolean OFFERED = offers(ULP_LIST);
    private static final String REASON = describe(ULP_LIST);

    private KernelTls() {
    }

    /** Why records are not offloaded to the kernel: never null while no engine can hand keys over. */
    public static String offloadOffReason() {
        return REASON;
    }

    /** Whether this kernel offers the {@code tls} upper-layer protocol. */
    public static boolean kernelOffersTls() {
        return OFFERED;
    }

    static boolean offers(String ulps) {
        return ulps != null && java.util.Arrays.asList(ulps.trim().split("\\s+")).contains("tls");
    }

    /** The reason for a {@code tcp_available_ulp} content ({@code null}: the file could not be read). */
    static String describe(String ulps) {
        if (ulps == null) {
            return "no kTLS: " + ULPS + " cannot be read (not Linux, or no TCP upper-layer protocols)";
        }
        if (offers(ulps)) {
            return "the kernel offers kTLS, but the JDK SSLEngine does not hand its traffic keys over: records are sealed in Java";
        }
        return "no kTLS: this kernel has no 'tls' upper-layer protocol (CONFIG_TLS off; tcp_available_ulp: "
                + (ulps.isBlank() ? "empty" : ulps.trim()) + "): records are sealed in Java";
    }

    private static String readUlps() {
        try {
            return Files.readString(ULPS, StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
