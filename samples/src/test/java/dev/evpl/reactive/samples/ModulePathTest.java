package dev.evpl.reactive.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The library as modules: core, block and http (and their dependencies) on the module path, a
 * README tour on the class path, in a JVM of its own. Module resolution, the qualified exports
 * (block reaches core's io_uring internals), JNR-FFI binding libc from a named module, and the
 * transport {@code ServiceLoader} all have to work there; every other suite runs on the class path.
 */
class ModulePathTest {
    /** What goes on the module path: the library's modules and what they require. */
    private static final Pattern MODULE = Pattern.compile(
            ".*(evpl-reactive-(core|block|http)|reactor-core|reactive-streams|jnr-|jffi|[/\\\\]asm).*");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HttpTour  | dev.evpl.reactive.http  | Hello, World! / user 42",
            "BlockTour | dev.evpl.reactive.block | read back 'hello, disk' with ",
            "EchoTour  | dev.evpl.reactive.core  | echoed [hello, framed one, framed two] over STREAM_" })
    void aTourRunsWithTheLibraryOnTheModulePath(String tour, String root, String expected) throws Exception {
        String classPath = ChildJvm.testClassPath();
        List<String> modules = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.contains("evpl-reactive-core") && entry.contains("tests")) {
                continue; // the core's test support jar: not a module of the library
            }
            (MODULE.matcher(entry).matches() && !entry.endsWith("test-classes") ? modules : plain).add(entry);
        }
        assertThat(String.join(" ", modules)).contains("evpl-reactive-core", "evpl-reactive-http", "evpl-reactive-block");
        ChildJvm.runAndCheck(tour + " on the module path", List.of("--enable-native-access=ALL-UNNAMED,org.jnrproject.jffi",
                "--module-path", String.join(File.pathSeparator, modules),
                // JNR-FFI is an automatic module that declares none of its dependencies (asm,
                // jffi): they only resolve when added; the library's module is the root.
                "--add-modules", root + ",ALL-MODULE-PATH",
                "-cp", String.join(File.pathSeparator, plain), tour), expected);
    }
}
