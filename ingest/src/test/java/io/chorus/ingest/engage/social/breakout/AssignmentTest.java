package io.chorus.ingest.engage.social.breakout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignmentTest {

    @Test
    void theSeedIsAFunctionOfTheCommandIdOnly() {
        assertEquals(Assignment.seedOf("c-1"), Assignment.seedOf("c-1"));
        assertNotEquals(Assignment.seedOf("c-1"), Assignment.seedOf("c-2"));
    }

    @Test
    void noParticipantsMakeAnEmptyPlan() {
        assertEquals(Map.of(), Assignment.random(List.of(), 3, "x"));
        assertEquals(Map.of(), Assignment.even(List.of(), 3));
    }

    @Test
    void oneRoomTakesEveryone() {
        assertEquals(Map.of("a", 1, "b", 1), Assignment.random(List.of("a", "b"), 1, "x"));
    }
}
