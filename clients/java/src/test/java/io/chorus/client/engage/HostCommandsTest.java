package io.chorus.client.engage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Staff commands against a fake gateway: where they go, how replies, refusals, retries and limits end them. */
class HostCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE = "ABC234";
    private static final String REPLIES = "engage-me:ABC234:h-00000000000000aa";

    private final FakeTransport gateway = new FakeTransport();
    private final ManualTimeouts timeouts = new ManualTimeouts();

    private Host host(int maxPending) {
        return new Host(CODE, "h-00000000000000aa", "token", gateway, null,
                new Commands.Limits(Duration.ofSeconds(5), maxPending, 3, 4096, 100), timeouts, 2);
    }

    private Host host() {
        return host(10);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode ok(String id) {
        return json("{\"type\":\"reply\",\"id\":\"" + id + "\",\"ok\":true}");
    }

    private static JsonNode refused(String id, String code) {
        return json("{\"type\":\"reply\",\"id\":\"" + id + "\",\"ok\":false,\"error\":{\"code\":\"" + code
                + "\",\"message\":\"no: " + code + "\",\"retryAfterMs\":1500}}");
    }

    private static EngageException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(EngageException.class, e.getCause());
    }

    @Test
    void theHostListensForRepliesOnItsOwnChannelBeforeSendingAnything() {
        Host h = host();
        assertTrue(h.started().isDone());
        assertEquals(0, gateway.rewinds.get(REPLIES), "replies are live: a history lookup covers retries");
        gateway.assertNothingPublished();
    }

    @Test
    void aCommandGoesOnItsRolesControlChannelWithItsIdAndCompletesWithTheOkReply() throws Exception {
        Host h = host();
        CompletableFuture<Reply> f = h.openActivity("q1");
        FakeTransport.Published p = gateway.next();
        assertEquals("engage-ctl:ABC234:host", p.channel());
        assertEquals(json("{\"type\":\"activity.open\",\"activity\":\"q1\"}"), p.data());
        p.ack(false);
        assertFalse(f.isDone(), "the ack only says recorded: the outcome is the reply");
        gateway.deliver(REPLIES, ok(p.id()));
        assertEquals(new Reply(p.id()), f.get());
        assertEquals(0, timeouts.live(), "the timeout is cancelled");

        h.ban("p-1");
        assertEquals("engage-ctl:ABC234:moderator", gateway.next().channel());
        h.send(StaffCommand.of(StaffCommand.Role.PRESENTER, "event.current", null));
        assertEquals("engage-ctl:ABC234:presenter", gateway.next().channel());
    }

    @Test
    void aRefusalFailsWithEngageMdsCodeTheMessageAndTheCommandId() {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.close("q1"), "cmd-1");
        gateway.next().ack(false);
        gateway.deliver(REPLIES, refused("cmd-1", "activity_not_open"));
        EngageException e = failure(f);
        assertEquals(EngageErrorCode.ACTIVITY_NOT_OPEN, e.code());
        assertEquals("cmd-1", e.commandId());
        assertEquals("no: activity_not_open", e.getMessage());
        assertEquals(1500, e.retryAfterMs());
    }

    @Test
    void aCodeThisSdkDoesNotKnowIsUnexpectedAndKeepsTheServersCode() {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.close("q1"), "cmd-2");
        gateway.deliver(REPLIES, refused("cmd-2", "brand_new_code"));
        EngageException e = failure(f);
        assertEquals(EngageErrorCode.UNEXPECTED, e.code());
        assertEquals("brand_new_code", e.serverCode());
    }

    @Test
    void aReplyThatOvertakesTheAckStillCompletesTheCommand() throws Exception {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.rerun("q1"), "early");
        gateway.deliver(REPLIES, ok("early"));
        assertEquals("early", f.get().commandId());
        gateway.next().ack(false);
        assertEquals("early", f.get().commandId());
    }

    @Test
    void withoutAReplyTheCommandTimesOutAndARetryWithTheSameIdPublishesTheSameIdAgain() throws Exception {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.reveal("q1"), "slow");
        gateway.next().ack(false);
        assertEquals(1, timeouts.fireAll());
        EngageException e = failure(f);
        assertEquals(EngageErrorCode.TIMEOUT, e.code());
        assertTrue(e.retryable());

        CompletableFuture<Reply> again = h.send(StaffCommand.reveal("q1"), "slow");
        FakeTransport.Published p = gateway.next();
        assertEquals("slow", p.id());
        gateway.deliver(REPLIES, ok("slow"));
        assertEquals("slow", again.get().commandId());
    }

    @Test
    void aRetryOfAnAnsweredCommandGetsTheSameOutcomeWithoutPublishing() {
        Host h = host();
        CompletableFuture<Reply> first = h.send(StaffCommand.open("q1"), "once");
        gateway.next().ack(false);
        gateway.deliver(REPLIES, refused("once", "unknown_activity"));
        assertEquals(EngageErrorCode.UNKNOWN_ACTIVITY, failure(first).code());
        assertEquals(EngageErrorCode.UNKNOWN_ACTIVITY, failure(h.send(StaffCommand.open("q1"), "once")).code());
        gateway.assertNothingPublished();
    }

    @Test
    void aRetryWhileTheFirstAttemptWaitsDoesNotPublishAgainAndSharesTheOutcome() throws Exception {
        Host h = host();
        CompletableFuture<Reply> first = h.send(StaffCommand.open("q1"), "twice");
        CompletableFuture<Reply> second = h.send(StaffCommand.open("q1"), "twice");
        gateway.next();
        gateway.assertNothingPublished();
        gateway.deliver(REPLIES, ok("twice"));
        assertEquals("twice", first.get().commandId());
        assertEquals("twice", second.get().commandId());
    }

    @Test
    void aDuplicateAckWithNoKnownReplyFindsTheReplyInTheReplyChannelsHistory() throws Exception {
        gateway.history.put(REPLIES, List.of(ok("other"), refused("from-before", "activity_exists")));
        Host h = host(); // a new process: it never saw the first attempt's reply
        CompletableFuture<Reply> f = h.send(StaffCommand.open("q1"), "from-before");
        gateway.next().ack(true);
        assertEquals(EngageErrorCode.ACTIVITY_EXISTS, failure(f).code());
    }

    @Test
    void aDuplicateAckWhoseReplyIsNotInHistoryYetWaitsForItLive() throws Exception {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.open("q1"), "in-flight");
        gateway.next().ack(true);
        assertFalse(f.isDone());
        gateway.deliver(REPLIES, ok("in-flight"));
        assertEquals("in-flight", f.get().commandId());
    }

    @Test
    void theGatewaysRefusalOfThePublishBecomesAnEnumeratedError() {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.open("q1"), "nope");
        gateway.next().ack().completeExceptionally(new ChorusException(ErrorCode.FORBIDDEN, "not yours"));
        EngageException e = failure(f);
        assertEquals(EngageErrorCode.FORBIDDEN, e.code());
        assertEquals(0, h.pendingCommands());

        CompletableFuture<Reply> g = h.send(StaffCommand.open("q1"), "down");
        gateway.next().ack().completeExceptionally(new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "later"));
        EngageException down = failure(g);
        assertEquals(EngageErrorCode.NOT_DELIVERED, down.code());
        assertEquals("kafka_unavailable", down.serverCode());
    }

    @Test
    void pendingCommandsAreBoundedAndTheExtraOneFailsBusyAtOnce() {
        Host h = host(2);
        h.openActivity("a1");
        h.send(StaffCommand.open("a2"));
        EngageException e = failure(h.send(StaffCommand.open("a3")));
        assertEquals(EngageErrorCode.BUSY, e.code());
        assertEquals(2, gateway.published.size());
    }

    @Test
    void rememberedRepliesAreBounded() {
        Host h = host(); // maxRecentReplies 3
        for (int i = 0; i < 5; i++) {
            gateway.deliver(REPLIES, ok("r" + i));
        }
        h.send(StaffCommand.open("q1"), "r0"); // forgotten: published again
        assertEquals("r0", gateway.next().id());
        h.send(StaffCommand.open("q1"), "r4"); // remembered: settled at once
        gateway.assertNothingPublished();
    }

    @Test
    void badCommandsFailBeforeAnythingIsSent() {
        Host h = host();
        assertEquals(EngageErrorCode.INVALID_COMMAND, failure(h.openActivity("not an id!")).code());
        assertEquals(EngageErrorCode.INVALID_COMMAND, failure(h.send(StaffCommand.open("q1"), "spaces are bad")).code());
        assertEquals(EngageErrorCode.INVALID_COMMAND, failure(h.send(null)).code());
        assertEquals(EngageErrorCode.TOO_LARGE,
                failure(h.configure(EventSettings.titled("x".repeat(5000)))).code());
        gateway.assertNothingPublished();
    }

    @Test
    void closingFailsWaitingAndLaterCommandsWithClosed() {
        Host h = host();
        CompletableFuture<Reply> waiting = h.openActivity("q1");
        h.close();
        assertEquals(EngageErrorCode.CLOSED, failure(waiting).code());
        assertEquals(EngageErrorCode.CLOSED, failure(h.openActivity("q1")).code());
        assertTrue(gateway.closed);
    }

    @Test
    void whatIsNotAReplyOnTheReplyChannelIsIgnored() {
        Host h = host();
        CompletableFuture<Reply> f = h.send(StaffCommand.open("q1"), "x");
        gateway.deliver(REPLIES, json("{\"type\":\"you\",\"votes\":{}}"));
        gateway.deliver(REPLIES, json("[1,2]"));
        gateway.deliver(REPLIES, json("{\"type\":\"reply\",\"id\":7,\"ok\":true}"));
        assertFalse(f.isDone());
    }
}
