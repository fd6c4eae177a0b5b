package dev.evpl.reactive.testsupport.cyclefixture.a;

/** Fixture for PackageGraphTest: a → b → a is a cycle. */
public final class A {
    public dev.evpl.reactive.testsupport.cyclefixture.b.B b() {
        return null;
    }
}
