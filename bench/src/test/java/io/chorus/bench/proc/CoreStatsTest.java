package io.chorus.bench.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CoreStatsTest {

    @Test
    void cpuListsAreTasksetLists() {
        assertEquals(List.of(0), List.copyOf(CoreStats.cpuList("0")));
        assertEquals(List.of(0, 1), List.copyOf(CoreStats.cpuList("0-1")));
        assertEquals(List.of(0, 2, 3, 4), List.copyOf(CoreStats.cpuList("4,0,2-3")));
        for (String bad : new String[] {"", "a", "1-", "-1", "3-1", "0-1-2", "1,,2"}) {
            assertThrows(IllegalArgumentException.class, () -> CoreStats.cpuList(bad), bad);
        }
    }

    @Test
    void otherLoadIsWhatNeitherSideUsed() {
        Map<String, Object> cores = Map.of("cpu0", Map.of("busyPercent", 90.0), "cpu1", Map.of("busyPercent", 30.0));
        assertEquals(Map.of("serverCore", 10.0, "clientCore", 5.0),
                CoreStats.otherLoad(cores, new TreeSet<>(List.of(0)), new TreeSet<>(List.of(1)), 80, 25));
        // Servers on both cores and the load generator on one of them: one figure for the two cores.
        assertEquals(Map.of("serverAndClientCores", 15.0),
                CoreStats.otherLoad(cores, new TreeSet<>(List.of(0, 1)), new TreeSet<>(List.of(1)), 100, 5));
        // Never below zero (ticks and CPU time are sampled at slightly different moments).
        assertEquals(Map.of("serverCore", 0.0, "clientCore", 0.0),
                CoreStats.otherLoad(cores, new TreeSet<>(List.of(0)), new TreeSet<>(List.of(1)), 95, 31));
    }
}
