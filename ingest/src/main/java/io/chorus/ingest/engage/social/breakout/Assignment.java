package io.chorus.ingest.engage.social.breakout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Who goes to which room (rooms count from 1). Pure: the same participants, rooms and seed give the
 * same plan, which is what makes a replayed {@code breakout.open} harmless.
 */
public final class Assignment {

    private Assignment() {
    }

    /** Round robin in the given (id) order: room sizes differ by at most one. */
    public static Map<String, Integer> even(List<String> participants, int rooms) {
        Map<String, Integer> plan = new LinkedHashMap<>();
        for (int i = 0; i < participants.size(); i++) {
            plan.put(participants.get(i), i % rooms + 1);
        }
        return plan;
    }

    /**
     * A shuffle seeded from {@code seed} (the command id), then round robin. The Fisher-Yates loop is
     * written out over {@link Random#nextInt(int)}, whose sequence the JDK specifies, so a replay on
     * another JVM version shuffles the same way.
     */
    public static Map<String, Integer> random(List<String> participants, int rooms, String seed) {
        List<String> order = new ArrayList<>(participants);
        Random random = new Random(seedOf(seed));
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        return even(order, rooms);
    }

    /**
     * The moderator's choices; everyone else, in id order, to the room with the fewest people then (the
     * lowest number among equals).
     */
    public static Map<String, Integer> chosen(List<String> participants, int rooms, Map<String, Integer> choices) {
        int[] sizes = new int[rooms];
        choices.values().forEach(r -> sizes[r - 1]++);
        Map<String, Integer> plan = new LinkedHashMap<>();
        for (String p : participants) {
            Integer room = choices.get(p);
            if (room == null) {
                int best = 0;
                for (int i = 1; i < rooms; i++) {
                    if (sizes[i] < sizes[best]) {
                        best = i;
                    }
                }
                sizes[best]++;
                room = best + 1;
            }
            plan.put(p, room);
        }
        return plan;
    }

    /** The first 8 bytes of SHA-256 of the seed: stable across JVMs, unlike {@code String.hashCode} habits. */
    static long seedOf(String seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
