package io.chorus.dev.engage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.engage.ActivityDefinition;
import io.chorus.client.engage.ActivitySettings;
import io.chorus.client.engage.ActivitySnapshot;
import io.chorus.client.engage.ActivityState;
import io.chorus.client.engage.CreatedEvent;
import io.chorus.client.engage.Engage;
import io.chorus.client.engage.EngageErrorCode;
import io.chorus.client.engage.EngageException;
import io.chorus.client.engage.EventSettings;
import io.chorus.client.engage.EventSnapshot;
import io.chorus.client.engage.ExportFormat;
import io.chorus.client.engage.ExportResult;
import io.chorus.client.engage.Host;
import io.chorus.client.engage.Option;
import io.chorus.client.engage.Reply;
import io.chorus.client.engage.SnapshotFeed;
import io.chorus.client.engage.StaffCommand;
import io.chorus.ingest.api.ApiError;
import io.chorus.ingest.engage.EngageError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's engagement API against the real stack (embedded Kafka, ingest with exactly-once
 * Streams, the gateway, the join API): a backend creates an event, runs a poll that participants
 * answer over the gateway, reads exact results and exports them; refusals arrive typed; a retried
 * command has one effect.
 */
@Timeout(180)
class EngageClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Option> LUNCH = List.of(Option.of("pizza", "Pizza"), Option.of("sushi", "Sushi"),
            Option.of("salad", "Salad"));

    @TempDir
    static Path dir;
    private static EngageStack stack;
    private static Engage engage;

    @BeforeAll
    static void start() {
        stack = new EngageStack(dir);
        engage = Engage.builder(stack.ws()).adminKey(EngageStack.ADMIN_KEY).build();
    }

    @AfterAll
    static void stop() {
        if (engage != null) {
            engage.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static EngageException refusal(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(EngageException.class, e.getCause());
    }

    /** The first snapshot of the feed that satisfies {@code condition} (the current one counts). */
    private static <T> T await(SnapshotFeed<T> feed, Predicate<T> condition) throws Exception {
        CompletableFuture<T> match = new CompletableFuture<>();
        feed.onChange(s -> {
            if (condition.test(s)) {
                match.complete(s);
            }
        });
        try {
            return match.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no snapshot of " + feed.channel() + " matched within 30 s; last: " + feed.latest());
        }
    }

    private static Host hostNewEvent(String title) throws Exception {
        CreatedEvent event = get(engage.createEvent(title));
        return get(engage.host(event.code(), event.hostToken()));
    }

    @Test
    void aBackendRunsAPollThatParticipantsAnswerAndReadsExactResultsAndTheExport() throws Exception {
        CreatedEvent event = get(engage.createEvent("Quarterly all-hands"));
        assertTrue(event.joinUrl().endsWith("#/join/" + event.code()), event.joinUrl());
        assertTrue(event.host().startsWith("h-"), event.host());
        try (Host host = get(engage.host(event.code(), event.hostToken()))) {
            assertEquals(event.host(), host.hostId());
            get(host.configure(EventSettings.titled("All hands, Q3").withReactions(List.of("👏", "🎉"))));
            SnapshotFeed<EventSnapshot> eventFeed = host.eventFeed();
            await(eventFeed, e -> e.title().equals("All hands, Q3"));

            Reply created = get(host.create(ActivityDefinition.choice("lunch", "Lunch?", LUNCH)));
            assertNotNull(created.commandId());
            get(host.setCurrent("lunch"));
            get(host.openActivity("lunch"));
            SnapshotFeed<ActivitySnapshot> poll = host.activityFeed("lunch");
            await(poll, s -> s.state() == ActivityState.OPEN && s.round() == 1);

            String[] votes = {"pizza", "sushi", "pizza", "pizza"};
            List<Participant> audience = new ArrayList<>();
            Map<String, String> choiceOf = new HashMap<>();
            try {
                for (int i = 0; i < votes.length; i++) {
                    Participant p = new Participant(stack.ws(), get(engage.join(event.code(), "Guest " + i, null)));
                    audience.add(p);
                    assertTrue(p.send("join-" + i, "{\"type\":\"participant.join\",\"name\":\"Guest " + i + "\"}")
                            .path("ok").asBoolean(), "participant.join accepted");
                    JsonNode reply = p.send("vote-" + i, "{\"type\":\"poll.vote\",\"activity\":\"lunch\",\"round\":1,"
                            + "\"choices\":[\"" + votes[i] + "\"]}");
                    assertTrue(reply.path("ok").asBoolean(), reply::toString);
                    choiceOf.put(p.joined.participant(), votes[i]);
                }
                // A second vote without allowChange is refused; the count does not move.
                JsonNode again = audience.get(1).send("vote-1b", "{\"type\":\"poll.vote\",\"activity\":\"lunch\","
                        + "\"round\":1,\"choices\":[\"salad\"]}");
                assertEquals("already_voted", again.path("error").path("code").asText(), again::toString);
            } finally {
                audience.forEach(Participant::close);
            }

            ActivitySnapshot live = await(poll, s -> s.responses() == 4);
            assertEquals(Map.of("pizza", 3L, "sushi", 1L, "salad", 0L), live.results().counts());
            ActivitySnapshot latest = get(host.latest("lunch")).orElseThrow();
            assertEquals(live.results().counts(), latest.results().counts());
            assertTrue(latest.seq() >= live.seq());
            await(eventFeed, e -> "lunch".equals(e.current()) && e.participants() == 4);

            get(host.closeActivity("lunch"));
            await(poll, s -> s.state() == ActivityState.CLOSED);
            get(host.revealActivity("lunch"));
            ActivitySnapshot revealed = await(poll, s -> s.state() == ActivityState.RESULTS);
            assertEquals(Map.of("pizza", 3L, "sushi", 1L, "salad", 0L), revealed.results().counts());

            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            ExportResult result = get(host.export(ExportFormat.CSV, "lunch", csv));
            assertEquals(csv.size(), result.bytes());
            String[] rows = csv.toString(StandardCharsets.UTF_8).split("\r\n");
            assertEquals("event,activity,round,participant,id,at,response", rows[0]);
            Map<String, String> exported = new HashMap<>();
            for (int i = 1; i < rows.length; i++) {
                String[] cells = rows[i].split(",", 7);
                assertEquals(event.code(), cells[0]);
                assertEquals("lunch", cells[1]);
                assertEquals("1", cells[2]);
                JsonNode response = JSON.readTree(cells[6].substring(1, cells[6].length() - 1).replace("\"\"", "\""));
                exported.put(cells[3], response.path("choices").get(0).asText());
            }
            assertEquals(choiceOf, exported, "one row per accepted vote, with its choice");

            ByteArrayOutputStream json = new ByteArrayOutputStream();
            get(host.export(ExportFormat.JSON, null, json));
            JsonNode all = JSON.readTree(json.toByteArray());
            assertEquals(4, all.path("responses").size());
            assertFalse(all.path("truncated").asBoolean());
        }
    }

    @Test
    void refusalsComeBackAsTypedErrorsWithEngageMdsCodes() throws Exception {
        try (Host host = hostNewEvent("Refusals")) {
            EngageException unknown = refusal(host.openActivity("nothing-here"));
            assertEquals(EngageErrorCode.UNKNOWN_ACTIVITY, unknown.code());
            assertNotNull(unknown.commandId());

            get(host.create(ActivityDefinition.rating("stars", "How was it?", 1, 5)));
            assertEquals(EngageErrorCode.ACTIVITY_EXISTS,
                    refusal(host.create(ActivityDefinition.rating("stars", "Again", 1, 5))).code());
            assertEquals(EngageErrorCode.ACTIVITY_NOT_OPEN, refusal(host.closeActivity("stars")).code());
        }
        Engage wrongKey = Engage.builder(stack.ws()).adminKey("not-the-key").build();
        assertEquals(EngageErrorCode.TOKEN_INVALID, refusal(wrongKey.createEvent("Nope")).code());
        wrongKey.close();
    }

    @Test
    void aCommandRetriedWithTheSameIdHasOneEffectAndTheSameOutcome() throws Exception {
        CreatedEvent event = get(engage.createEvent("Retries"));
        try (Host host = get(engage.host(event.code(), event.hostToken()))) {
            get(host.create(ActivityDefinition.choice("again", "Again?", LUNCH)
                    .withSettings(ActivitySettings.DEFAULT.withAllowChange(true))));
            get(host.openActivity("again"));
            SnapshotFeed<ActivitySnapshot> feed = host.activityFeed("again");
            await(feed, s -> s.state() == ActivityState.OPEN && s.round() == 1);

            assertEquals("rerun-1", get(host.send(StaffCommand.rerun("again"), "rerun-1")).commandId());
            assertEquals("rerun-1", get(host.send(StaffCommand.rerun("again"), "rerun-1")).commandId());
            // A new process (no memory of the reply) retries it too: the gateway keeps the first record,
            // and the reply is found in the reply channel's history.
            try (Host restarted = get(engage.host(event.code(), event.hostToken()))) {
                assertEquals("rerun-1", get(restarted.send(StaffCommand.rerun("again"), "rerun-1")).commandId());
            }
            // A refused command retried gets the same refusal.
            assertEquals(EngageErrorCode.UNKNOWN_ACTIVITY, refusal(host.send(StaffCommand.open("missing"), "open-x")).code());
            assertEquals(EngageErrorCode.UNKNOWN_ACTIVITY, refusal(host.send(StaffCommand.open("missing"), "open-x")).code());

            // Close after the retries: once the snapshot shows it, every earlier command's effect is in.
            get(host.closeActivity("again"));
            ActivitySnapshot closed = await(feed, s -> s.state() == ActivityState.CLOSED);
            assertEquals(2, closed.round(), "three sends of one rerun make one new round");
        }
    }

    @Test
    void theClientsErrorCodesCoverEveryCodeIngestAndTheJoinApiSend() {
        for (EngageError e : EngageError.values()) {
            assertNotNull(EngageErrorCode.of(e.code()), "ingest's " + e.code());
        }
        for (ApiError e : ApiError.values()) {
            EngageErrorCode c = EngageErrorCode.of(e.code());
            assertNotNull(c, "the join API's " + e.code());
            assertEquals(e.retryable(), c.retryable(), e.code());
        }
    }
}
