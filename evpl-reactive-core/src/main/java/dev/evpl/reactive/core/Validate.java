package dev.evpl.reactive.core;

import java.time.Duration;

/** Config validation with messages that name the parameter, the allowed range and the bad value. */
final class Validate {
    private Validate() {
    }

    static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    static void duration(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    static void fraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) { // NaN fails too
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
        }
    }

    static void notEmpty(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
