package io.chorus.client;

import io.chorus.schema.Position;
import java.util.UUID;

/** Real position strings for tests: one channel on partition 0 of a one-partition topic. */
final class Positions {

    static final UUID TOPIC = new UUID(0x0123456789abcdefL, 0x0fedcba987654321L);
    static final UUID RECREATED_TOPIC = new UUID(0x1111111111111111L, 0x2222222222222222L);

    private Positions() {
    }

    static String at(long offset) {
        return new Position(TOPIC, 0, 1, offset).encode();
    }

    static String onRecreatedTopic(long offset) {
        return new Position(RECREATED_TOPIC, 0, 1, offset).encode();
    }
}
