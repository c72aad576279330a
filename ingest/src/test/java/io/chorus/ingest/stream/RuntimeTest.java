package io.chorus.ingest.stream;

import static io.chorus.ingest.stream.Harness.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Registry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuntimeTest {

    private Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    private void choicePoll() {
        h.createEvent("Keynote");
        h.host("{\"type\":\"activity.create\",\"activity\":\"q1\",\"kind\":\"choice\",\"title\":\"Tea?\","
                + "\"options\":[{\"id\":\"yes\",\"label\":\"Yes\"},{\"id\":\"no\",\"label\":\"No\"}]}");
        h.host("{\"type\":\"activity.open\",\"activity\":\"q1\"}");
        h.drainAll();
    }

    private String vote(String pid, String option) {
        return h.participant(pid, "{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":1,\"choices\":[\"" + option
                + "\"]}");
    }

    @Test
    void aDuplicateCommandIdIsAppliedOnceAndGetsTheFirstReplyAgain() {
        choicePoll();
        String id = vote("p-1", "yes");
        // The gateway retried the same publish: same id, same body.
        h.raw(h.config.topics().in(), "engage-in:" + CODE, ("{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":1,"
                + "\"choices\":[\"yes\"]}").getBytes(StandardCharsets.UTF_8), "p-1", id);
        List<JsonNode> replies = h.replies("p-1");
        assertEquals(2, replies.size());
        assertEquals(replies.get(0), replies.get(1));
        assertTrue(replies.get(0).path("ok").asBoolean());
        assertEquals(1, h.latest("engage:" + CODE + ":a:q1").path("responses").asLong());
        assertEquals(1.0, h.counter("chorus.ingest.duplicates"));
    }

    @Test
    void anIdleTaskStopsItsPublishTimerAndShowsItsNextCommandAtOnce() {
        choicePoll();
        String channel = "engage:" + CODE + ":a:q1";
        double stopped = h.counter("chorus.ingest.timers.stopped", "timer", "publish");
        h.tick(); // nothing changed since the last pass: this one stops the timer
        assertEquals(stopped + 1, h.counter("chorus.ingest.timers.stopped", "timer", "publish"));

        // The first command after a quiet interval is published at once, without waiting for a pass.
        vote("p-1", "yes");
        List<JsonNode> first = shown(channel);
        assertEquals(1, first.size(), "the first vote after a quiet interval was not published at once");
        assertEquals(1, first.get(0).path("responses").asLong());
        // The ones after it wait for the pass: still one snapshot per interval.
        vote("p-2", "no");
        vote("p-3", "no");
        assertEquals(List.of(), shown(channel));
        h.tick();
        List<JsonNode> pass = shown(channel);
        assertEquals(1, pass.size());
        assertEquals(3, pass.get(0).path("responses").asLong());
        h.tick(); // empty again: stops again
        assertEquals(stopped + 2, h.counter("chorus.ingest.timers.stopped", "timer", "publish"));
        assertEquals(List.of(), shown(channel));
    }

    /** Snapshots of a channel written so far, without moving the clock. */
    private List<JsonNode> shown(String channel) {
        return h.take(h.config.topics().engage(), o -> o.key().equals(channel)).stream().map(Harness.Out::value)
                .toList();
    }

    @Test
    void aDuplicateOfARefusedCommandGetsTheSameRefusal() {
        choicePoll();
        vote("p-1", "yes");
        String second = vote("p-1", "no");
        h.raw(h.config.topics().in(), "engage-in:" + CODE, ("{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":1,"
                + "\"choices\":[\"no\"]}").getBytes(StandardCharsets.UTF_8), "p-1", second);
        List<JsonNode> toSecond = h.replies("p-1").stream().filter(r -> r.path("id").asText().equals(second)).toList();
        assertEquals(2, toSecond.size());
        assertEquals("already_voted", toSecond.get(0).path("error").path("code").asText());
        assertEquals(toSecond.get(0), toSecond.get(1));
    }

    @Test
    void theSameCommandIdFromAnotherParticipantIsAnotherCommand() {
        choicePoll();
        h.raw(h.config.topics().in(), "engage-in:" + CODE, ("{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":1,"
                + "\"choices\":[\"yes\"]}").getBytes(StandardCharsets.UTF_8), "p-1", "same");
        h.raw(h.config.topics().in(), "engage-in:" + CODE, ("{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":1,"
                + "\"choices\":[\"yes\"]}").getBytes(StandardCharsets.UTF_8), "p-2", "same");
        assertEquals(2, h.latest("engage:" + CODE + ":a:q1").path("results").path("counts").path("yes").asLong());
    }

    @Test
    void rememberedIdsArePurgedAfterTheWindowByStreamTime() {
        choicePoll();
        vote("p-1", "yes");
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        assertTrue(store.get(Kv.key(CODE, "dedup", "p-1", "cmd-4")) != null);
        h.advance(h.config.engage().purgeInterval());
        assertTrue(store.get(Kv.key(CODE, "dedup", "p-1", "cmd-4")) != null, "inside the window it stays");
        h.later(h.config.engage().dedupWindow().toMillis() + 1);
        vote("p-2", "no");
        h.advance(h.config.engage().purgeInterval());
        assertEquals(null, store.get(Kv.key(CODE, "dedup", "p-1", "cmd-4")));
        assertTrue(store.get(Kv.key(CODE, "dedup", "p-2", "cmd-5")) != null);
        assertTrue(h.counter("chorus.ingest.dedup.purged") >= 4);
    }

    @Test
    void theDedupStoreIsBoundedByItsMaximumEvenInsideTheWindow() {
        h.close();
        var base = ConfigLoader.defaults("unused:9092");
        h = new Harness(base.withEngage(base.engage().withDedup(Duration.ofHours(1), 20)), null);
        h.createEvent("Keynote");
        for (int i = 0; i < 30; i++) {
            h.later(1);
            h.participant("p-" + i, "{\"type\":\"participant.join\",\"name\":\"N" + i + "\"}");
        }
        h.advance(h.config.engage().purgeInterval());
        h.tick(); // 11 past the bound: a slice of 10, and the last one at the next publish interval
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        int remembered = rememberedIds();
        assertEquals(20, remembered);
        assertEquals(null, store.get(Kv.key(CODE, "dedup", "system", "cmd-1")), "the oldest went first");
    }

    /** Command ids the store remembers for the event. */
    private int rememberedIds() {
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        int n = 0;
        try (var it = store.prefixScan(CODE + "|dedup|", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void aLargePurgeGoesInSlicesAtThePublishIntervals() {
        h.close();
        var base = ConfigLoader.defaults("unused:9092");
        h = new Harness(base.withEngage(base.engage().withDedup(Duration.ofHours(1), 20)), null);
        int slice = EngageProcessor.purgeSlice(20);
        assertEquals(10, slice, "at most a quarter of the bound, and at least 10");
        h.createEvent("Keynote");
        for (int i = 0; i < 100; i++) {
            h.participant("p-" + i, "{\"type\":\"participant.join\",\"name\":\"N" + i + "\"}");
        }
        long beyond = 101 - 20; // the joins and event.create, past the bound of 20
        h.advance(h.config.engage().purgeInterval());
        assertEquals(slice, h.counter("chorus.ingest.dedup.purged"), "one slice per pass");
        for (int pass = 2; pass <= 9; pass++) {
            h.tick();
            assertEquals(Math.min(beyond, (long) pass * slice), h.counter("chorus.ingest.dedup.purged"),
                    "pass " + pass + ", at the publish interval");
        }
        h.tick();
        assertEquals(beyond, h.counter("chorus.ingest.dedup.purged"), "nothing more until the next purge");
        assertEquals(1_000, EngageProcessor.purgeSlice(1_000_000), "the default bound's slice");
        int remembered = rememberedIds();
        assertEquals(20, remembered);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndAreCounted() {
        h.createEvent("Keynote");
        String in = h.config.topics().in();
        h.raw(in, "engage-in:" + CODE, "not json".getBytes(StandardCharsets.UTF_8), "p-1", "a");
        h.raw(in, "engage-in:" + CODE, "{\"no\":\"type\"}".getBytes(StandardCharsets.UTF_8), "p-1", "b");
        h.raw(in, "engage-in:" + CODE, new byte[5000], "p-1", "c");
        h.raw(in, "chat:room1", "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8), "p-1", "d");
        h.raw(in, null, "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8), "p-1", "e");
        h.raw(in, "engage-in:" + CODE, "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8), null, "f");
        h.raw(in, "engage-in:" + CODE, "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8), "p|1", "g");
        h.raw(h.config.topics().ctl(), "engage-in:" + CODE, "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8), "p", "h");
        h.raw(in, "engage-in:" + CODE, "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8), "p-1", "bad\nid");
        List<Harness.Out> dead = h.read(h.config.topics().dead());
        List<String> reasons = new ArrayList<>();
        for (Harness.Out o : dead) {
            reasons.add(header(o, "chorus-dead-reason"));
            assertEquals(h.config.topics().in().equals(header(o, "chorus-dead-topic")) || "chorus.engage-ctl"
                    .equals(header(o, "chorus-dead-topic")), true);
            assertTrue(Long.parseLong(header(o, "chorus-dead-offset")) >= 0);
        }
        assertEquals(List.of("not_json", "no_type", "too_large", "bad_key", "bad_key", "no_client", "no_client",
                "bad_key", "bad_id"), reasons);
        assertEquals("not json", new String(dead.get(0).raw().value(), StandardCharsets.UTF_8), "the original value");
        assertEquals(2.0, h.counter("chorus.ingest.dead.letters", "reason", "no_client"));
        assertEquals(3.0, h.counter("chorus.ingest.dead.letters", "reason", "bad_key"));
        // A sender that is known hears why.
        assertEquals("invalid_command", h.outcome("p-1", "a"));
        assertEquals("invalid_command", h.outcome("p-1", "b"));
        assertEquals("too_large", h.outcome("p-1", "c"));
        assertTrue(h.replies("p-1").isEmpty());
        // And ingest goes on.
        String ok = h.participant("p-1", "{\"type\":\"participant.join\",\"name\":\"Ann\"}");
        assertEquals("ok", h.outcome("p-1", ok));
    }

    @Test
    void aHandlerBugIsADeadLetterAndAnInvalidCommandReplyAndChangesNothing() {
        h.close();
        Handler buggy = new Handler() {
            @Override
            public Set<String> types() {
                return Set.of("test.bug");
            }

            @Override
            public void apply(io.chorus.ingest.engage.Command c, io.chorus.ingest.engage.Engagement ctx) {
                ctx.kv().put(Kv.key(c.event(), "bug"), ctx.json().createObjectNode());
                ctx.effects().send("engage-chat:" + c.event(), ctx.json().createObjectNode());
                throw new IllegalStateException("bug");
            }
        };
        var base = ConfigLoader.defaults("unused:9092");
        Registry standard = Registry.standard(base.engage(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        Registry rules = Registry.of(List.of(new io.chorus.ingest.engage.EventHandler(), buggy),
                List.of(new io.chorus.ingest.engage.EventRenderer()));
        assertTrue(standard.types().contains("poll.vote"));
        h = new Harness(base, rules);
        h.createEvent("Keynote");
        String id = h.participant("p-1", "{\"type\":\"test.bug\"}");
        assertEquals("invalid_command", h.outcome("p-1", id));
        List<Harness.Out> dead = h.read(h.config.topics().dead());
        assertEquals(1, dead.size());
        assertEquals("handler_error", header(dead.get(0), "chorus-dead-reason"));
        assertEquals("engage-in:" + CODE, dead.get(0).key());
        assertEquals(h.config.topics().in(), header(dead.get(0), "chorus-dead-topic"));
        assertEquals(null, h.driver.getKeyValueStore(EngageTopology.STORE).get(Kv.key(CODE, "bug")));
        assertTrue(h.read(h.config.topics().chat()).isEmpty());
        assertEquals(1.0, h.counter("chorus.ingest.commands", "type", "test.bug", "outcome", "error"));
    }

    @Test
    void aBannedParticipantIsRefusedButMayStillJoin() {
        choicePoll();
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        store.put(Kv.key(CODE, "ban", "p-9"), "{\"at\":1,\"by\":\"mod\"}".getBytes(StandardCharsets.UTF_8));
        String voteId = vote("p-9", "yes");
        String joinId = h.participant("p-9", "{\"type\":\"participant.join\",\"name\":\"Bob\"}");
        assertEquals("banned", h.outcome("p-9", voteId));
        assertEquals("ok", h.outcome("p-9", joinId));
        assertEquals(1.0, h.counter("chorus.ingest.refusals", "code", "banned"));
    }

    @Test
    void commandsForAnUnknownEventOrOfAnUnknownTypeAreRefused() {
        String early = h.participant("p-1", "{\"type\":\"participant.join\",\"name\":\"Ann\"}");
        assertEquals("unknown_event", h.outcome("p-1", early));
        h.createEvent("Keynote");
        String unknown = h.participant("p-1", "{\"type\":\"teleport\"}");
        JsonNode reply = h.replyTo("p-1", unknown);
        assertFalse(reply.path("ok").asBoolean());
        assertEquals("invalid_command", reply.path("error").path("code").asText());
        assertTrue(reply.path("error").path("message").asText().contains("teleport"));
        assertEquals(1.0, h.counter("chorus.ingest.commands", "type", "other", "outcome", "refused"));
    }

    @Test
    void staffRepliesGoToTheSendersOwnChannel() {
        h.createEvent("Keynote");
        String id = h.staff("moderator", "mod-7", "{\"type\":\"event.configure\",\"title\":\"x\"}");
        List<Harness.Out> me = h.take(h.config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":mod-7"));
        assertEquals(1, me.size());
        assertEquals(id, me.get(0).value().path("id").asText());
        assertEquals("forbidden", me.get(0).value().path("error").path("code").asText());
    }

    @Test
    void aCommandWithoutAnIdIsNamedByItsPosition() {
        h.createEvent("Keynote");
        h.raw(h.config.topics().in(), "engage-in:" + CODE,
                "{\"type\":\"participant.join\",\"name\":\"Ann\"}".getBytes(StandardCharsets.UTF_8), "p-1", null);
        JsonNode reply = h.replies("p-1").get(0);
        assertEquals(h.config.topics().in() + "-0-0", reply.path("id").asText());
    }

    @Test
    void manyVotesInOneIntervalMakeOneSnapshotAndSeqOnlyGrows() {
        choicePoll();
        vote("p-first", "yes");
        long before = h.latest("engage:" + CODE + ":a:q1").path("seq").asLong();
        for (int i = 0; i < 50; i++) {
            vote("p-" + i, i % 5 == 0 ? "no" : "yes");
        }
        List<JsonNode> snaps = h.snapshots("engage:" + CODE + ":a:q1");
        assertEquals(1, snaps.size());
        assertEquals(51, snaps.get(0).path("responses").asLong());
        assertEquals(41, snaps.get(0).path("results").path("counts").path("yes").asLong());
        assertEquals(10, snaps.get(0).path("results").path("counts").path("no").asLong());
        long first = snaps.get(0).path("seq").asLong();
        assertTrue(first > before, first + " after " + before);
        assertTrue(h.snapshots("engage:" + CODE + ":a:q1").isEmpty(), "nothing changed, nothing written");
        vote("p-99", "no");
        assertTrue(h.latest("engage:" + CODE + ":a:q1").path("seq").asLong() > first);
    }

    @Test
    void oneCounterNumbersEveryOutputRecordOfTheTask() {
        choicePoll();
        for (int i = 0; i < 20; i++) {
            vote("p-" + i, i % 2 == 0 ? "yes" : "no");
        }
        h.tick();
        List<Long> seqs = new ArrayList<>();
        for (String topic : List.of(h.config.topics().me(), h.config.topics().engage())) {
            for (Harness.Out o : h.read(topic)) {
                seqs.add(Long.parseLong(o.id().substring(o.id().lastIndexOf('#') + 1)));
            }
        }
        assertTrue(seqs.size() > 40, "replies, you and poll snapshots: " + seqs.size());
        assertEquals(seqs.size(), Set.copyOf(seqs).size(), "no number given twice: " + seqs);
        assertTrue(h.driver.getKeyValueStore(EngageTopology.STORE).get(Kv.key(CODE, "seq",
                "engage-me:" + CODE + ":p-1")) == null, "no per-channel counter");
    }

    @Test
    void aStoreWithPerChannelCountersStartsTheTaskCounterAboveThem() {
        // As an earlier version left it: each channel numbered on its own, one of them far ahead.
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        store.put(Kv.key(CODE, "seq", "engage:" + CODE + ":a:q1"), "7000".getBytes(StandardCharsets.US_ASCII));
        store.put(Kv.key(CODE, "seq", "engage-me:" + CODE + ":p-1"), "12".getBytes(StandardCharsets.US_ASCII));
        choicePoll();
        vote("p-1", "yes");
        h.tick();
        assertTrue(h.latest("engage:" + CODE + ":a:q1").path("seq").asLong() > 7000);
        for (Harness.Out o : h.read(h.config.topics().me())) {
            assertTrue(Long.parseLong(o.id().substring(o.id().lastIndexOf('#') + 1)) > 7000, o.id());
        }
    }

    @Test
    void outputRecordsAreKeyedByChannelWithADeterministicIdAndTheGatewaysPartition() {
        choicePoll();
        String id = vote("p-1", "yes");
        List<Harness.Out> me = h.read(h.config.topics().me());
        Harness.Out reply = me.stream().filter(o -> o.value().path("id").asText().equals(id)).findFirst().orElseThrow();
        assertEquals("engage-me:" + CODE + ":p-1", reply.key());
        assertTrue(reply.id().startsWith("engage-me:" + CODE + ":p-1#"));
        h.tick();
        List<Harness.Out> snaps = h.read(h.config.topics().engage());
        assertFalse(snaps.isEmpty());
        for (Harness.Out o : snaps) {
            assertEquals(o.key() + "#" + o.value().path("seq").asLong(), o.id());
        }
        List<Harness.Out> audit = h.read(h.config.topics().audit());
        assertEquals(1, audit.size());
        assertEquals(CODE, audit.get(0).key());
        JsonNode a = audit.get(0).value();
        assertEquals("q1", a.path("activity").asText());
        assertEquals(1, a.path("round").asInt());
        assertEquals("p-1", a.path("participant").asText());
        assertEquals(id, a.path("id").asText());
        assertEquals("yes", a.path("response").path("choices").get(0).asText());
    }

    @Test
    void theSinkPartitionerIsTheJavaProducersMurmur2() {
        ChannelPartitioner p = new ChannelPartitioner();
        // NOTES.md: Kafka's default partitioner put chat:room1 on partition 7 of 8.
        assertEquals(Set.of(7), p.partitions("t", "chat:room1".getBytes(StandardCharsets.UTF_8), null, 8).get());
        for (String channel : List.of("engage:ABC234", "engage-me:ABC234:p-1", "engage:ABC234:a:q1")) {
            byte[] key = channel.getBytes(StandardCharsets.UTF_8);
            for (int n : new int[] {1, 3, 8, 50}) {
                int expected = (org.apache.kafka.common.utils.Utils.murmur2(key) & 0x7fffffff) % n;
                assertEquals(Set.of(expected), p.partitions("t", key, null, n).get());
                assertEquals(BuiltInPartitioner.partitionForKey(key, n), expected);
            }
        }
        assertTrue(p.partitions("t", null, null, 8).isEmpty());
    }

    @Test
    void aSnapshotThatFailsToRenderIsSkippedAndCounted() {
        h.close();
        io.chorus.ingest.engage.Renderer broken = (channel, ctx) -> {
            if (channel.endsWith(":broken")) {
                throw new IllegalStateException("bug");
            }
            return null;
        };
        Handler marks = new Handler() {
            @Override
            public Set<String> types() {
                return Set.of("test.mark");
            }

            @Override
            public void apply(io.chorus.ingest.engage.Command c, io.chorus.ingest.engage.Engagement ctx) {
                ctx.effects().changed("engage:" + c.event() + ":broken");
                ctx.effects().changed("engage:" + c.event());
            }
        };
        h = new Harness(ConfigLoader.defaults("unused:9092"), Registry.of(
                List.of(new io.chorus.ingest.engage.EventHandler(), marks),
                List.of(broken, new io.chorus.ingest.engage.EventRenderer())));
        h.createEvent("Keynote");
        h.participant("p-1", "{\"type\":\"test.mark\"}");
        ObjectNode event = h.latest("engage:" + CODE);
        assertEquals("Keynote", event.path("title").asText());
        assertEquals(1.0, h.counter("chorus.ingest.render.errors"));
        assertTrue(h.snapshots("engage:" + CODE + ":broken").isEmpty(), "not retried until it changes");
    }

    @Test
    void participantCommandsOnTheirEventsPartitionSkipTheRepartitionTopicWithTheSameOutcome() {
        List<JsonNode> outcomes = new java.util.ArrayList<>();
        for (int local : new int[] {1, 0}) {
            h.close();
            h = new Harness(ConfigLoader.defaults("unused:9092"), null, local);
            choicePoll();
            vote("p-1", "yes");
            vote("p-2", "no");
            vote("p-2", "yes");
            String id = vote("p-3", "yes");
            h.raw(h.config.topics().in(), "engage-in:" + CODE, ("{\"type\":\"poll.vote\",\"activity\":\"q1\","
                    + "\"round\":1,\"choices\":[\"yes\"]}").getBytes(StandardCharsets.UTF_8), "p-3", id);
            h.tick();
            ObjectNode tally = h.latest("engage:" + CODE + ":a:q1");
            assertEquals(3, tally.path("responses").asLong(), tally::toString);
            // p-2's change is refused (the poll does not allow changes), p-3's retry is a duplicate.
            assertEquals(2, tally.path("results").path("counts").path("yes").asLong(), tally::toString);
            assertEquals(1, tally.path("results").path("counts").path("no").asLong(), tally::toString);
            assertEquals(1.0, h.counter("chorus.ingest.duplicates"));
            // Three staff commands on engage-ctl (event.create, activity.create, activity.open) always
            // take "by-event"; the five on engage-in skip it when they may.
            assertEquals(local == 1 ? 5.0 : 0.0, h.counter("chorus.ingest.command.paths", "path", "local"));
            assertEquals(local == 1 ? 3.0 : 8.0, h.counter("chorus.ingest.command.paths", "path", "repartitioned"));
            outcomes.add(tally.without(List.of("seq")));
            outcomes.add(h.replies("p-2").get(1));
        }
        assertEquals(outcomes.subList(0, 2), outcomes.subList(2, 4), "either path, the same tally and replies");
    }

    @Test
    void bothPathsMeetInOneSubTopology() {
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Registry rules = Registry.standard(h.config.engage(), meters);
        var description = EngageTopology.build(h.config, rules, new IngestMetrics(meters, rules.types()), 3).describe();
        assertEquals(1, description.subtopologies().size(), description::toString);
    }

    @Test
    void metricsCountCommandsByTypeAndOutcome() {
        choicePoll();
        vote("p-1", "yes");
        vote("p-1", "no");
        assertEquals(1.0, h.counter("chorus.ingest.commands", "type", "poll.vote", "outcome", "ok"));
        assertEquals(1.0, h.counter("chorus.ingest.commands", "type", "poll.vote", "outcome", "refused"));
        assertEquals(1.0, h.counter("chorus.ingest.refusals", "code", "already_voted"));
        assertNotEquals(0.0, h.counter("chorus.ingest.snapshots"));
    }

    private static String header(Harness.Out o, String name) {
        var hd = o.raw().headers().lastHeader(name);
        return hd == null ? null : new String(hd.value(), StandardCharsets.UTF_8);
    }
}
