package io.chorus.bench.load;

/** What every subscriber needs to know about a step; see {@link Step}. {@code expect} may be null. */
public record StepSpec(int id, long[] base, long[] expect) {
}
