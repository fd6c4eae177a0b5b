package dev.evpl.reactive.testsupport.cyclefixture.b;

/** Fixture for PackageGraphTest: refers back to package a through a field type only. */
public final class B {
    dev.evpl.reactive.testsupport.cyclefixture.a.A[] back;
}
