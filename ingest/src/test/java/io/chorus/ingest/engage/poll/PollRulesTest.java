package io.chorus.ingest.engage.poll;

import static io.chorus.ingest.engage.poll.Rules.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollRulesTest {

    private final Rules r = new Rules();

    private static String options(String... ids) {
        List<String> parts = new ArrayList<>();
        for (String id : ids) {
            parts.add("{\"id\":\"" + id + "\",\"label\":\"Option " + id + "\"}");
        }
        return "\"options\":[" + String.join(",", parts) + "]";
    }

    private long count(String activity, String option) {
        return r.results(activity).path("counts").path(option).asLong();
    }

    // choice

    @Test
    void aSingleChoicePollCountsOneVoteEach() {
        r.open("\"activity\":\"q\",\"kind\":\"choice\"," + options("a", "b", "c"));
        assertEquals("ok", r.vote("p1", "q", 1, "\"choices\":[\"a\"]"));
        assertEquals("ok", r.vote("p2", "q", 1, "\"choices\":[\"b\"]"));
        assertEquals("ok", r.vote("p3", "q", 1, "\"choices\":[\"a\"]"));
        assertEquals(2, count("q", "a"));
        assertEquals(1, count("q", "b"));
        assertEquals(0, count("q", "c"));
        assertEquals(3, r.snapshot("q").path("responses").asLong());
        assertEquals(3, r.audits.size());
        assertEquals("Option a", r.snapshot("q").path("options").get(0).path("label").asText());
    }

    @Test
    void aChoiceVoteIsRefusedWithTheRightCode() {
        r.open("\"activity\":\"q\",\"kind\":\"choice\",\"maxChoices\":2," + options("a", "b", "c"));
        assertEquals("too_many_choices", r.vote("p1", "q", 1, "\"choices\":[\"a\",\"b\",\"c\"]"));
        assertEquals("unknown_option", r.vote("p1", "q", 1, "\"choices\":[\"z\"]"));
        assertEquals("unknown_option", r.vote("p1", "q", 1, "\"choices\":[1]"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"choices\":[]"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"choices\":\"a\""));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"choices\":[\"a\",\"a\"]"));
        assertEquals("wrong_round", r.vote("p1", "q", 2, "\"choices\":[\"a\"]"));
        assertEquals("ok", r.vote("p1", "q", 1, "\"choices\":[\"a\",\"c\"]"));
        assertEquals("already_voted", r.vote("p1", "q", 1, "\"choices\":[\"b\"]"));
        assertEquals(1, count("q", "a"));
        assertEquals(0, count("q", "b"));
        assertEquals(1, count("q", "c"));
    }

    @Test
    void aChoiceDefinitionIsChecked() {
        assertEquals("invalid_command", r.host("{\"type\":\"activity.create\",\"activity\":\"q\",\"kind\":\"choice\","
                + options("a") + "}"));
        assertEquals("invalid_command", r.host("{\"type\":\"activity.create\",\"activity\":\"q\",\"kind\":\"choice\","
                + options("a", "a") + "}"));
        assertEquals("invalid_command", r.host("{\"type\":\"activity.create\",\"activity\":\"q\",\"kind\":\"choice\","
                + "\"maxChoices\":3," + options("a", "b") + "}"));
        String[] many = new String[Limits.defaults().options() + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "o" + i;
        }
        assertEquals("limit_reached", r.host("{\"type\":\"activity.create\",\"activity\":\"q\",\"kind\":\"choice\","
                + options(many) + "}"));
        assertEquals("ok", r.host("{\"type\":\"activity.create\",\"activity\":\"q\",\"kind\":\"choice\","
                + options("a", "b") + ",\"ignored\":true}"));
        assertFalse(r.snapshot("q").has("ignored"), "only the fields the kind knows are kept");
    }

    @Test
    void withAllowChangeANewVoteReplacesTheOldExactly() {
        r.open("\"activity\":\"q\",\"kind\":\"choice\",\"allowChange\":true,\"maxChoices\":2," + options("a", "b", "c"));
        r.vote("p1", "q", 1, "\"choices\":[\"a\"]");
        r.vote("p2", "q", 1, "\"choices\":[\"a\",\"b\"]");
        assertEquals("ok", r.vote("p1", "q", 1, "\"choices\":[\"b\",\"c\"]"));
        assertEquals("ok", r.vote("p2", "q", 1, "\"choices\":[\"c\"]"));
        assertEquals("ok", r.vote("p1", "q", 1, "\"choices\":[\"b\",\"c\"]"));
        assertEquals(0, count("q", "a"));
        assertEquals(1, count("q", "b"));
        assertEquals(2, count("q", "c"));
        assertEquals(2, r.snapshot("q").path("responses").asLong(), "respondents, not votes");
        ObjectNode stored = r.kv.get(Kv.key(CODE, "tally", "q", "1", "e"), ObjectNode.class);
        assertFalse(stored.path("counts").has("a"), "a zero count is dropped");
        assertEquals("c", r.you("p2").path("votes").path("q").path("choices").get(0).asText());
    }

    // rating

    @Test
    void aRatingPollKeepsAHistogramAndAnExactMean() {
        r.open("\"activity\":\"q\",\"kind\":\"rating\",\"min\":1,\"max\":5,\"allowChange\":true");
        r.vote("p1", "q", 1, "\"rating\":5");
        r.vote("p2", "q", 1, "\"rating\":4");
        r.vote("p3", "q", 1, "\"rating\":4");
        JsonNode ratings = r.results("q").path("ratings");
        assertEquals(2, ratings.path("histogram").path("4").asLong());
        assertEquals(0, ratings.path("histogram").path("1").asLong());
        assertEquals(13.0 / 3, ratings.path("mean").asDouble(), 1e-9);
        r.vote("p1", "q", 1, "\"rating\":1");
        ratings = r.results("q").path("ratings");
        assertEquals(0, ratings.path("histogram").path("5").asLong());
        assertEquals(3.0, ratings.path("mean").asDouble(), 1e-9);
        assertEquals(3, ratings.path("count").asLong());
    }

    @Test
    void aRatingOutsideTheScaleOrNotAnIntegerIsRefused() {
        r.open("\"activity\":\"q\",\"kind\":\"rating\",\"min\":0,\"max\":10");
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"rating\":11"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"rating\":-1"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"rating\":2.5"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"rating\":\"7\""));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"choices\":[\"a\"]"));
        assertTrue(r.results("q").path("ratings").path("mean").isNull());
        assertEquals("invalid_command", r.host("{\"type\":\"activity.create\",\"activity\":\"x\",\"kind\":\"rating\","
                + "\"min\":5,\"max\":5}"));
        assertEquals("invalid_command", r.host("{\"type\":\"activity.create\",\"activity\":\"x\",\"kind\":\"rating\","
                + "\"min\":0,\"max\":1000}"));
    }

    // ranking

    @Test
    void aRankingPollAddsBordaPoints() {
        r.open("\"activity\":\"q\",\"kind\":\"ranking\"," + options("a", "b", "c"));
        r.vote("p1", "q", 1, "\"ranking\":[\"a\",\"b\",\"c\"]");
        r.vote("p2", "q", 1, "\"ranking\":[\"c\",\"a\",\"b\"]");
        JsonNode ranking = r.results("q").path("ranking");
        assertEquals(List.of("a", "c", "b"), ranking.findValuesAsText("id"));
        assertEquals(3, ranking.get(0).path("points").asLong());
        assertEquals(2, ranking.get(1).path("points").asLong());
        assertEquals(1, ranking.get(2).path("points").asLong());
    }

    @Test
    void aRankingMustOrderEveryOptionOnce() {
        r.open("\"activity\":\"q\",\"kind\":\"ranking\"," + options("a", "b", "c"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"ranking\":[\"a\",\"b\"]"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"ranking\":[\"a\",\"b\",\"b\"]"));
        assertEquals("unknown_option", r.vote("p1", "q", 1, "\"ranking\":[\"a\",\"b\",\"z\"]"));
        assertEquals("invalid_command", r.vote("p1", "q", 1, "\"ranking\":\"abc\""));
        assertEquals(0, r.snapshot("q").path("responses").asLong());
    }

    // word cloud

    @Test
    void wordCloudEntriesAreNormalizedAndCountedOncePerResponse() {
        r.open("\"activity\":\"w\",\"kind\":\"wordcloud\",\"maxEntries\":3");
        assertEquals("ok", r.vote("p1", "w", 1, "\"words\":[\"Kafka\",\" kafka! \"]"));
        assertEquals("ok", r.vote("p2", "w", 1, "\"words\":[\"ＫＡＦＫＡ\",\"Event   Streaming\"]"));
        assertEquals("ok", r.vote("p3", "w", 1, "\"words\":[\"«event streaming»\",\"KAFKA?\"]"));
        JsonNode words = r.results("w").path("words");
        assertEquals("kafka", words.get(0).path("word").asText());
        assertEquals(3, words.get(0).path("count").asLong());
        assertEquals("event streaming", words.get(1).path("word").asText());
        assertEquals(2, words.get(1).path("count").asLong());
        assertEquals(2, words.size());
    }

    @Test
    void wordCloudEntriesAreRefusedWithTheRightCode() {
        Rules blocked = new Rules(List.of("Darn"), Limits.defaults());
        blocked.open("\"activity\":\"w\",\"kind\":\"wordcloud\",\"maxEntries\":2");
        assertEquals("too_many_choices", blocked.vote("p1", "w", 1, "\"words\":[\"a\",\"b\",\"c\"]"));
        assertEquals("invalid_command", blocked.vote("p1", "w", 1, "\"words\":[\"one two three four\"]"));
        assertEquals("invalid_command", blocked.vote("p1", "w", 1, "\"words\":[\"!!!\"]"));
        assertEquals("invalid_command", blocked.vote("p1", "w", 1, "\"words\":[]"));
        assertEquals("moderated", blocked.vote("p1", "w", 1, "\"words\":[\"oh DARN it\"]"));
        assertEquals("ok", blocked.vote("p1", "w", 1, "\"words\":[\"darnell\"]"), "whole words only");
    }

    @Test
    void theWordCloudShowsTheTopHundredByCount() {
        r.open("\"activity\":\"w\",\"kind\":\"wordcloud\",\"maxEntries\":3");
        for (int i = 0; i < 130; i++) {
            r.vote("p" + i, "w", 1, "\"words\":[\"w" + i + "\",\"common\"]");
        }
        JsonNode words = r.results("w").path("words");
        assertEquals(100, words.size());
        assertEquals("common", words.get(0).path("word").asText());
        assertEquals(130, words.get(0).path("count").asLong());
        assertEquals("w0", words.get(1).path("word").asText(), "ties by word");
    }

    @Test
    void aChangedWordCloudResponseMovesItsCountsExactly() {
        r.open("\"activity\":\"w\",\"kind\":\"wordcloud\",\"maxEntries\":2,\"allowChange\":true");
        r.vote("p1", "w", 1, "\"words\":[\"alpha\",\"beta\"]");
        r.vote("p2", "w", 1, "\"words\":[\"beta\"]");
        r.vote("p1", "w", 1, "\"words\":[\"gamma\"]");
        JsonNode words = r.results("w").path("words");
        assertEquals(List.of("beta", "gamma"), words.findValuesAsText("word"));
        assertEquals(1, words.get(0).path("count").asLong());
        assertNull(r.kv.get(Kv.key(CODE, "word", "w", "1", "e", "alpha"), ObjectNode.class), "zero counts are deleted");
    }

    @Test
    void moderatedEntriesWaitForAModeratorBeforeTheyCount() {
        r.open("\"activity\":\"w\",\"kind\":\"wordcloud\",\"moderated\":true,\"allowChange\":true");
        r.apply(Role.PARTICIPANT, "p1", "{\"type\":\"participant.join\",\"name\":\"Ann\"}");
        r.vote("p1", "w", 1, "\"words\":[\"hello\"]");
        r.vote("p2", "w", 1, "\"words\":[\"spam\"]");
        assertEquals(0, r.results("w").path("words").size());
        assertEquals(2, r.snapshot("w").path("responses").asLong());
        ObjectNode pending = r.kv.get(Kv.key(CODE, "pending", "w", "1.p1"), ObjectNode.class);
        assertEquals("hello", pending.path("text").asText());
        assertEquals("Ann", pending.path("name").asText());
        assertEquals("w", pending.path("activity").asText());
        assertTrue(r.changed.contains("engage-mod:" + CODE));
        assertEquals("pending", r.you("p1").path("votes").path("w").path("status").asText());

        assertEquals("forbidden", r.apply(Role.PRESENTER, "pres",
                "{\"type\":\"poll.moderate\",\"activity\":\"w\",\"entry\":\"1.p1\",\"status\":\"published\"}"));
        assertEquals("forbidden", r.apply(Role.PARTICIPANT, "p1",
                "{\"type\":\"poll.moderate\",\"activity\":\"w\",\"entry\":\"1.p1\",\"status\":\"published\"}"));
        assertEquals("invalid_command", r.moderator(
                "{\"type\":\"poll.moderate\",\"activity\":\"w\",\"entry\":\"1.p1\",\"status\":\"maybe\"}"));
        assertEquals("ok", r.moderator(
                "{\"type\":\"poll.moderate\",\"activity\":\"w\",\"entry\":\"1.p1\",\"status\":\"published\"}"));
        assertEquals("ok", r.moderator(
                "{\"type\":\"poll.moderate\",\"activity\":\"w\",\"entry\":\"1.p2\",\"status\":\"dismissed\"}"));
        assertEquals("invalid_command", r.moderator(
                "{\"type\":\"poll.moderate\",\"activity\":\"w\",\"entry\":\"1.p2\",\"status\":\"published\"}"),
                "a decided entry waits no more");
        JsonNode words = r.results("w").path("words");
        assertEquals(List.of("hello"), words.findValuesAsText("word"));
        assertEquals("published", r.you("p1").path("votes").path("w").path("status").asText());
        assertEquals("dismissed", r.you("p2").path("votes").path("w").path("status").asText());
        assertNull(r.kv.get(Kv.key(CODE, "pending", "w", "1.p1"), ObjectNode.class));

        // A changed answer takes the published one out and waits again.
        r.vote("p1", "w", 1, "\"words\":[\"bye\"]");
        assertEquals(0, r.results("w").path("words").size());
        assertNotNull(r.kv.get(Kv.key(CODE, "pending", "w", "1.p1"), ObjectNode.class));
    }

    @Test
    void pendingEntriesOfAnEarlierRoundAreDroppedByARerun() {
        r.open("\"activity\":\"t\",\"kind\":\"text\",\"moderated\":true");
        r.vote("p1", "t", 1, "\"text\":\"first\"");
        r.host("{\"type\":\"activity.rerun\",\"activity\":\"t\"}");
        assertNull(r.kv.get(Kv.key(CODE, "pending", "t", "1.p1"), ObjectNode.class));
        assertEquals("invalid_command", r.moderator(
                "{\"type\":\"poll.moderate\",\"activity\":\"t\",\"entry\":\"1.p1\",\"status\":\"published\"}"));
    }

    // open text

    @Test
    void openTextShowsTheNewestHundredPublishedAnswers() {
        r.open("\"activity\":\"t\",\"kind\":\"text\"");
        for (int i = 0; i < 105; i++) {
            assertEquals("ok", r.vote("p" + i, "t", 1, "\"text\":\"answer " + i + "\""));
        }
        ObjectNode results = r.results("t");
        JsonNode texts = results.path("texts");
        assertEquals(100, texts.size());
        assertEquals("answer 104", texts.get(0).path("text").asText(), "newest first");
        assertEquals("answer 5", texts.get(99).path("text").asText());
        assertEquals(105, results.path("published").asLong());
    }

    @Test
    void openTextIsBoundedAndFiltered() {
        Rules blocked = new Rules(List.of("spam"), Limits.defaults());
        blocked.open("\"activity\":\"t\",\"kind\":\"text\",\"allowChange\":true");
        assertEquals("invalid_command", blocked.vote("p1", "t", 1, "\"text\":\"" + "x".repeat(281) + "\""));
        assertEquals("invalid_command", blocked.vote("p1", "t", 1, "\"text\":\"   \""));
        assertEquals("moderated", blocked.vote("p1", "t", 1, "\"text\":\"buy SPAM now\""));
        assertEquals("ok", blocked.vote("p1", "t", 1, "\"text\":\"" + "x".repeat(280) + "\""));
        assertEquals("ok", blocked.vote("p1", "t", 1, "\"text\":\"changed\""));
        JsonNode texts = blocked.results("t").path("texts");
        assertEquals(1, texts.size());
        assertEquals("changed", texts.get(0).path("text").asText());
        assertEquals(1, blocked.results("t").path("published").asLong());
    }

    @Test
    void moderatedTextAppearsOnlyOncePublished() {
        r.open("\"activity\":\"t\",\"kind\":\"text\",\"moderated\":true");
        r.vote("p1", "t", 1, "\"text\":\"good point\"");
        assertEquals(0, r.results("t").path("texts").size());
        r.moderator("{\"type\":\"poll.moderate\",\"activity\":\"t\",\"entry\":\"1.p1\",\"status\":\"published\"}");
        assertEquals("good point", r.results("t").path("texts").get(0).path("text").asText());
    }

    // rooms

    @Test
    void aRoomsScopedPollTalliesPerRoomToo() {
        r.kv.put(Kv.key(CODE, "room", "p1"), Rules.JSON.createObjectNode().put("room", 1));
        r.kv.put(Kv.key(CODE, "room", "p2"), Rules.JSON.createObjectNode().put("room", 2));
        r.kv.put(Kv.key(CODE, "room", "p3"), Rules.JSON.createObjectNode().put("room", 2));
        r.open("\"activity\":\"q\",\"kind\":\"choice\",\"scope\":\"rooms\",\"allowChange\":true," + options("a", "b"));
        r.vote("p1", "q", 1, "\"choices\":[\"a\"]");
        r.vote("p2", "q", 1, "\"choices\":[\"a\"]");
        r.vote("p3", "q", 1, "\"choices\":[\"b\"]");
        r.vote("p4", "q", 1, "\"choices\":[\"b\"]");
        ObjectNode results = r.results("q");
        assertEquals(2, results.path("counts").path("a").asLong());
        assertEquals(2, results.path("counts").path("b").asLong());
        assertEquals(1, results.path("rooms").path("1").path("counts").path("a").asLong());
        assertEquals(0, results.path("rooms").path("1").path("counts").path("b").asLong());
        assertEquals(1, results.path("rooms").path("2").path("counts").path("b").asLong());
        assertEquals(2, results.path("rooms").path("2").path("responses").asLong());
        assertFalse(results.path("rooms").has("0"), "no room, no room tally");

        // p2 moves to room 1 and changes the vote: out of room 2, into room 1.
        r.kv.put(Kv.key(CODE, "room", "p2"), Rules.JSON.createObjectNode().put("room", 1));
        r.vote("p2", "q", 1, "\"choices\":[\"b\"]");
        results = r.results("q");
        assertEquals(1, results.path("rooms").path("2").path("responses").asLong());
        assertEquals(0, results.path("rooms").path("2").path("counts").path("a").asLong());
        assertEquals(2, results.path("rooms").path("1").path("responses").asLong());
        assertEquals(1, results.path("rooms").path("1").path("counts").path("b").asLong());
        assertEquals(1, results.path("counts").path("a").asLong());
        assertEquals(3, results.path("counts").path("b").asLong());
    }

    @Test
    void aWordCloudInRoomsCountsWordsPerRoom() {
        r.kv.put(Kv.key(CODE, "room", "p1"), Rules.JSON.createObjectNode().put("room", 3));
        r.open("\"activity\":\"w\",\"kind\":\"wordcloud\",\"scope\":\"rooms\"");
        r.vote("p1", "w", 1, "\"words\":[\"blue\"]");
        r.vote("p2", "w", 1, "\"words\":[\"red\"]");
        ObjectNode results = r.results("w");
        assertEquals(2, results.path("words").size());
        assertEquals(List.of("blue"), results.path("rooms").path("3").path("words").findValuesAsText("word"));
    }
}
