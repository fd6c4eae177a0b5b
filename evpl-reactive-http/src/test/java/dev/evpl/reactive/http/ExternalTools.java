package dev.evpl.reactive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;

/**
 * Real clients the tests run (curl). Skipped without them, except where CI installed them
 * ({@code EVPL_EXPECT_TLS_TOOLS}, set by .ci/run): there a missing tool fails, so no case passes by skipping.
 */
final class ExternalTools {
    private ExternalTools() {
    }

    static void requireCurl() {
        boolean present = new File("/usr/bin/curl").canExecute();
        if (System.getenv("EVPL_EXPECT_TLS_TOOLS") != null) {
            assertThat(present).as("curl is expected here (EVPL_EXPECT_TLS_TOOLS) but /usr/bin/curl is missing").isTrue();
        }
        assumeTrue(present, "curl is not installed on this machine");
    }
}
