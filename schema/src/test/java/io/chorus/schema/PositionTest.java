package io.chorus.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PositionTest {

    @Test
    void encodeThenDecodeGivesTheSamePositionForManyRandomOnes() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            int count = 1 + random.nextInt(1000);
            Position p = new Position(new UUID(random.nextLong(), random.nextLong()), random.nextInt(count), count,
                    random.nextInt(3) == 0 ? -1 : random.nextLong() & Long.MAX_VALUE);
            String text = p.encode();
            assertTrue(text.length() <= Position.MAX_TEXT_LENGTH, text);
            assertEquals(p, Position.decode(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "a.b.c.d", "AAAAAAAAAAAAAAAAAAAAAA.1.1.5", "AAAAAAAAAAAAAAAAAAAAAA.-1.8.5",
        "AAAAAAAAAAAAAAAAAAAAAA.0.0.5", "AAAAAAAAAAAAAAAAAAAAAA.0.8.-2", "AAAAAAAAAAAAAAAAAAA!!A.0.8.5",
        "AAAAAAAAAAAAAAAAAAAAAA.0.8.99999999999999999999", "AAAAAAAAAAAAAAAAAAAAAA.0.8.5.6"})
    void malformedPositionsAreRefusedWithInvalidPosition(String text) {
        ChorusException e = assertThrows(ChorusException.class, () -> Position.decode(text));
        assertEquals(ErrorCode.INVALID_POSITION, e.code());
    }

    @Test
    void overlongTextIsRefusedBeforeParsing() {
        assertThrows(ChorusException.class, () -> Position.decode("A".repeat(10_000)));
    }

    @Test
    void errorCodesAreUniqueAndMapToTheirHttpStatus() {
        java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(codes.add(c.code()), "duplicate code " + c.code());
            assertEquals(c, ErrorCode.byWireName(c.wireName()));
            assertTrue(c.httpStatus() >= 400 && c.httpStatus() < 600);
        }
    }
}
