package io.chorus.gateway.subscription;

import io.chorus.schema.Position;

/** Where a subscription starts: live, after a position, or the last N messages. */
public sealed interface StartSpec {

    record Live() implements StartSpec {
    }

    record Since(Position position) implements StartSpec {
    }

    record Rewind(int count) implements StartSpec {
    }
}
