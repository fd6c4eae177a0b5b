package dev.evpl.reactive.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cycle finder finds a cycle it is shown (so the modules' "no cycle" tests can fail). */
class PackageGraphTest {
    private static final String FIXTURE = "dev.evpl.reactive.testsupport.cyclefixture";

    @Test
    void findsTheFixtureCycleAndOnlyIt() throws Exception {
        PackageGraph graph = PackageGraph.of(Path.of("target/test-classes"), FIXTURE);
        assertThat(graph.edges()).containsEntry(FIXTURE + ".c", Set.of(FIXTURE + ".a"));
        assertThat(graph.edges().get(FIXTURE + ".b")).containsExactly(FIXTURE + ".a"); // array field type
        assertThat(graph.cycles()).containsExactly(Set.of(FIXTURE + ".a", FIXTURE + ".b"));
    }
}
