package dev.evpl.reactive.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** kTLS detection: what the kernel's ULP list says, and the reason offload is off. */
class KernelTlsTest {
    @Test
    void theReasonFollowsTheUlpList() {
        assertThat(KernelTls.offers("mptcp")).isFalse();
        assertThat(KernelTls.describe("mptcp\n")).contains("no 'tls' upper-layer protocol").contains("tcp_available_ulp: mptcp");
        assertThat(KernelTls.describe("")).contains("tcp_available_ulp: empty");
        assertThat(KernelTls.offers("espintcp mptcp tls\n")).isTrue();
        assertThat(KernelTls.describe("espintcp mptcp tls")).contains("does not hand its traffic keys over");
        assertThat(KernelTls.describe(null)).contains("cannot be read");
    }

    @Test
    void thisMachineIsReportedAsItIs() throws Exception {
        Path ulps = Path.of("/proc/sys/net/ipv4/tcp_available_ulp");
        boolean offered = Files.isReadable(ulps) && Files.readString(ulps).trim().matches("(.*\\s)?tls(\\s.*)?");
        assertThat(KernelTls.kernelOffersTls()).isEqualTo(offered);
        assertThat(KernelTls.offloadOffReason()).isNotBlank().contains("records are sealed in Java");
    }
}
