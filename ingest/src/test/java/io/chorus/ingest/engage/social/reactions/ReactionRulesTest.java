package io.chorus.ingest.engage.social.reactions;

import static io.chorus.ingest.engage.social.Stage.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.social.SocialConfig;
import io.chorus.ingest.engage.social.SocialMetrics;
import io.chorus.ingest.engage.social.Stage;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReactionRulesTest {

    private final Stage stage = new Stage().event("{\"reactions\":[\"👍\",\"🎉\"]}").join("p-1", "Ada").join("p-2", "Bo");

    private static String react(String emoji) {
        return "{\"type\":\"react\",\"emoji\":\"" + emoji + "\"}";
    }

    private ObjectNode snapshot() {
        return stage.render(Channels.reactions(CODE));
    }

    @Test
    void onlyTheEventsReactionsAreAccepted() {
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, react("😂"));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, "{\"type\":\"react\"}");
        stage.refused(EngageError.INVALID_COMMAND, "p-9", 1, react("👍"));
        new Stage().refused(EngageError.UNKNOWN_EVENT, "p-1", 1, react("👍"));
        stage.as("p-1", 1, react("🎉"));
        assertEquals(Set.of(Channels.reactions(CODE)), stage.effects.takeChanged());
        Stage defaults = new Stage().event().join("p-1", "Ada");
        defaults.as("p-1", 1, react("😮"));
    }

    @Test
    void theRateLimitIsASlidingWindowOverRecordTimestamps() {
        for (long t = 0; t < 5000; t += 1000) {
            stage.as("p-1", t, react("👍"));
        }
        Refusal r = stage.refused(EngageError.RATE_LIMITED, "p-1", 9_999, react("👍"));
        assertEquals(1, r.retryAfterMs());
        stage.as("p-2", 9_999, react("👍"));
        stage.as("p-1", 10_000, react("👍"));
        r = stage.refused(EngageError.RATE_LIMITED, "p-1", 10_001, react("🎉"));
        assertEquals(999, r.retryAfterMs());
        stage.as("p-1", 11_000, react("🎉"));
        assertEquals(8.0, stage.counted(SocialMetrics.Event.REACTION));
    }

    @Test
    void aTimestampFromTheFutureNeverAsksToWaitLongerThanTheWindow() {
        for (int i = 0; i < 5; i++) {
            stage.as("p-1", 50_000, react("👍"));
        }
        Refusal r = stage.refused(EngageError.RATE_LIMITED, "p-1", 20_000, react("👍"));
        assertEquals(10_000, r.retryAfterMs());
    }

    @Test
    void theSnapshotShowsTheWindowTheLatestBucketAndTheTotal() {
        stage.as("p-1", 1_000, react("👍"));
        stage.as("p-2", 1_500, react("👍"));
        stage.as("p-2", 5_200, react("🎉"));
        stage.as("p-1", 12_300, react("🎉"));
        stage.as("p-2", 12_900, react("🎉"));
        // Window of 10 one-second buckets ending with bucket 12 (12.000..12.999): buckets 3..12.
        stage.assertJson("{\"type\":\"reactions\",\"windowMs\":10000,\"counts\":{\"👍\":0,\"🎉\":3},"
                + "\"latest\":{\"👍\":0,\"🎉\":2},\"at\":12000,\"total\":{\"👍\":2,\"🎉\":3}}", snapshot());
    }

    @Test
    void oldBucketsArePurgedSoTheStateStaysBounded() {
        for (int i = 0; i < 200; i++) {
            String p = "p-" + i;
            stage.join(p, "N" + i);
            stage.as(p, i * 700L, react("👍"));
        }
        int buckets = stage.kv.keys(CODE + "|react|b|").size();
        assertTrue(buckets <= 10, "buckets kept: " + buckets);
        assertEquals(200, snapshot().get("total").get("👍").asLong());
    }

    @Test
    void reactionsDoNotScanTheBucketsOnceTheNewestIsStored() {
        stage.as("p-1", 1_000, react("👍"));
        long scans = stage.kv.scans();
        stage.as("p-2", 1_200, react("👍"));
        stage.as("p-2", 4_000, react("🎉"));
        stage.as("p-1", 30_000, react("🎉"));
        assertEquals(scans, stage.kv.scans());
        // Buckets 1 and 4 fell out of the window ending with bucket 30.
        assertEquals(java.util.List.of(CODE + "|react|b|" + String.format("%019d", 30)), stage.kv.keys(CODE + "|react|b|"));
        assertEquals(2, snapshot().get("total").get("🎉").asLong());
    }

    @Test
    void stateWrittenBeforeTheNewestBucketWasStoredIsScannedOnce() {
        // Buckets 3 and 12 as an earlier version left them, with no newest bucket stored.
        stage.kv.put(ReactionKeys.bucket(CODE, 3), new ReactionKeys.Tally(java.util.Map.of("👍", 1L)));
        stage.kv.put(ReactionKeys.bucket(CODE, 12), new ReactionKeys.Tally(java.util.Map.of("👍", 2L)));
        stage.as("p-1", 14_500, react("🎉"));
        assertEquals(java.util.List.of(ReactionKeys.bucket(CODE, 12), ReactionKeys.bucket(CODE, 14)),
                stage.kv.keys(CODE + "|react|b|"));
        long scans = stage.kv.scans();
        stage.as("p-2", 22_100, react("🎉"));
        assertEquals(scans, stage.kv.scans());
        assertEquals(java.util.List.of(ReactionKeys.bucket(CODE, 14), ReactionKeys.bucket(CODE, 22)),
                stage.kv.keys(CODE + "|react|b|"));
    }

    @Test
    void aLateReactionCountsInTheTotalOnly() {
        stage.as("p-1", 100_000, react("👍"));
        stage.as("p-2", 50_000, react("🎉"));
        ObjectNode snap = snapshot();
        assertEquals(0, snap.get("counts").get("🎉").asLong());
        assertEquals(1, snap.get("total").get("🎉").asLong());
        assertEquals(1, stage.kv.keys(CODE + "|react|b|").size());
    }

    @Test
    void emojiNoLongerOfferedLeaveTheSnapshot() {
        stage.as("p-1", 1_000, react("👍"));
        stage.kv.put(io.chorus.ingest.engage.social.EventSettings.key(CODE), stage.obj(
                "{\"code\":\"" + CODE + "\",\"title\":\"t\",\"reactions\":[\"🔥\"]}"));
        stage.as("p-2", 2_000, react("🔥"));
        stage.assertJson("{\"🔥\":1}", snapshot().get("total"));
        stage.assertJson("{\"🔥\":1}", snapshot().get("counts"));
    }

    @Test
    void widerBucketsFollowTheConfig() {
        Stage s = new Stage(Stage.limits(1000, 50, 100, 10_000),
                new SocialConfig(java.util.List.of(), 10_000, 20, 5_000, 500, 3_600_000)).event().join("p-1", "Ada");
        s.as("p-1", 4_999, react("👍"));
        s.as("p-1", 5_000, react("👍"));
        ObjectNode snap = s.render(Channels.reactions(CODE));
        assertEquals(1, snap.get("latest").get("👍").asLong());
        assertEquals(2, snap.get("counts").get("👍").asLong());
        assertEquals(5_000, snap.get("at").asLong());
    }
}
