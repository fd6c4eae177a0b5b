package dev.evpl.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evpl.reactive.testsupport.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** No dependency cycle between this module's packages (each package can be read bottom-up). */
class PackageCyclesTest {
    @Test
    void noCycleBetweenPackages() throws Exception {
        PackageGraph graph = PackageGraph.of(Path.of("target/classes"), "dev.evpl.reactive.spring");
        assertThat(graph.edges()).as("packages found").isNotEmpty();
        assertThat(graph.cycles()).as("package cycles (edges: %s)", graph.edges()).isEmpty();
    }
}
