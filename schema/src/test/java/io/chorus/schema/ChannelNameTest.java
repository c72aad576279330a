package io.chorus.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ChannelNameTest {

    @Test
    void aNameWithAColonHasThatNamespaceAndABareNameIsInDefault() {
        assertEquals("chat", ChannelName.parse("chat:room1").namespace());
        assertEquals("poll", ChannelName.parse("poll:evt42:q1").namespace());
        assertEquals("default", ChannelName.parse("lobby").namespace());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "chat:room-1_x.y@z/w", "A:B:C"})
    void validNamesParseAndRoundTripThroughKeyBytes(String raw) {
        ChannelName c = ChannelName.parse(raw);
        assertEquals(c, ChannelName.fromKey(raw.getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(raw.getBytes(StandardCharsets.UTF_8), c.keyBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "ünïcode", ":x", "x:", "tab\there", "quote\"d"})
    void invalidNamesAreRefusedWithInvalidChannel(String raw) {
        ChorusException e = assertThrows(ChorusException.class, () -> ChannelName.parse(raw));
        assertEquals(ErrorCode.INVALID_CHANNEL, e.code());
        assertNull(ChannelName.fromKey(raw.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void namesAreLimitedTo200Bytes() {
        ChannelName.parse("a".repeat(200));
        assertThrows(ChorusException.class, () -> ChannelName.parse("a".repeat(201)));
        assertNull(ChannelName.fromKey(new byte[0]));
        assertNull(ChannelName.fromKey(null));
    }
}
