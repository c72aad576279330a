package io.chorus.gateway.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline: the only way tests synchronize (no sleeps). */
public final class Conditions {

    private Conditions() {
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            // The poll interval of the check; the wait ends on the condition, not on a time.
            LockSupport.parkNanos(5_000_000);
        }
    }
}
