package dev.evpl.reactive.testsupport.cyclefixture.c;

/** Fixture for PackageGraphTest: c → a is an edge, not a cycle. */
public final class C {
    static Object make() {
        return new dev.evpl.reactive.testsupport.cyclefixture.a.A();
    }
}
