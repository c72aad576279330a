package io.chorus.client;

import static io.chorus.client.Positions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.internal.ws.HandshakeException;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The connection state machine against a scripted server: connect, drop, reconnect, fail, close. */
class ConnectionTest extends GatewayTestBase {

    @Test
    void connectCompletesOnTheConnectedFrameNotWhenTheSocketOpens() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        var connected = client.connect();
        assertEquals("connecting", rec.expectState(ConnectionState.CONNECTING).text());
        FakeSocket socket = gateway.accept();
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong"); // the socket is open and served, and still:
        assertFalse(connected.isDone());
        assertEquals(ConnectionState.CONNECTING, client.state());

        socket.sendConnected(15_000);
        connected.get(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("c-test", rec.expectState(ConnectionState.CONNECTED).text());
        assertEquals(ConnectionState.CONNECTED, client.state());
        rec.assertExhausted();
    }

    @Test
    void aServerCloseLeadsToDisconnectedAndAReconnectAfterTheAnnouncedBackoffDelay() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket first = connect(client, rec);

        first.close(4001, "server_shutdown");
        StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertEquals(4001, dropped.closeCode());
        assertEquals(CloseReason.SERVER_SHUTDOWN, dropped.closeReason());
        assertTrue(dropped.retryIn().compareTo(INITIAL) <= 0, "first delay within [0, initial]: " + dropped);
        assertTrue(time.hasTaskDueWithin(dropped.retryIn()));

        time.advance(dropped.retryIn());
        assertEquals("reconnect attempt 1", rec.expectState(ConnectionState.CONNECTING).text());
        gateway.acceptConnected();
        rec.expectState(ConnectionState.CONNECTED);
        rec.assertExhausted();
    }

    /**
     * A drop must be noticed while the application is behind too: here the core has paused reading
     * right after the message, and a socket that stopped reading during the pause would never see the
     * end of stream; without time passing the watchdog never fires either.
     */
    @Test
    void aDropRightAfterAMessageIsNoticedEvenWhileTheApplicationIsBehind() throws Exception {
        ChorusClient client = client(b -> b.maxBufferedMessages(1));
        Recorder rec = Recorder.on(client);
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), m -> {
            inListener.countDown();
            try {
                release.await(); // holds the delivery thread: the core stops reading
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rec.onMessage(m);
        });
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(0));
        sub.ready().get(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);

        socket.message(ROOM, at(1), "last words");
        assertTrue(inListener.await(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS));
        socket.dropConnection();
        // The delivery thread is held, so no listener can say it: poll the state, with a deadline.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FakeGateway.WAIT_SECONDS);
        while (client.state() != ConnectionState.DISCONNECTED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(ConnectionState.DISCONNECTED, client.state(), "the drop went unnoticed");

        release.countDown();
        rec.expectMessage(at(1));
        StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertEquals(1006, dropped.closeCode());
        reconnect(dropped, rec);
        rec.assertExhausted();
    }

    /**
     * While the core is paused, the socket keeps reading (within a bound) so that it sees the end: the
     * messages it read meanwhile must still reach the application, in order and before the state
     * change, and the drop must be acted on before the application catches up.
     */
    @Test
    void messagesReadDuringAPauseAreDeliveredBeforeADropThatFollowsThem() throws Exception {
        ChorusClient client = client(b -> b.maxBufferedMessages(1));
        Recorder rec = Recorder.on(client);
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), m -> {
            inListener.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rec.onMessage(m);
        });
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(0));
        sub.ready().get(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);

        socket.message(ROOM, at(1), "first");
        assertTrue(inListener.await(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS)); // the core pauses now
        for (int i = 2; i <= 5; i++) {
            socket.message(ROOM, at(i), "read during the pause");
        }
        socket.dropConnection();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FakeGateway.WAIT_SECONDS);
        while (client.state() != ConnectionState.DISCONNECTED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(ConnectionState.DISCONNECTED, client.state(), "the drop waited for the application");

        release.countDown();
        for (int i = 1; i <= 5; i++) {
            rec.expectMessage(at(i));
        }
        assertEquals(1006, rec.expectState(ConnectionState.DISCONNECTED).closeCode());
        rec.assertExhausted();
    }

    @Test
    void failedAttemptsBackOffExponentiallyAndOnlyAConnectionThatLastedResetsTheDelay() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        connect(client, rec).close(4003, "internal");
        StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);

        for (int attempt = 1; attempt <= 3; attempt++) {
            gateway.rejectNextHandshake(503);
            time.advance(dropped.retryIn());
            assertEquals("reconnect attempt " + attempt, rec.expectState(ConnectionState.CONNECTING).text());
            dropped = rec.expectState(ConnectionState.DISCONNECTED);
            assertEquals(503, assertInstanceOf(HandshakeException.class, dropped.error()).status());
            Duration ceiling = INITIAL.multipliedBy(1L << attempt);
            assertTrue(dropped.retryIn().compareTo(ceiling) <= 0, "attempt " + attempt + ": " + dropped);
        }
        time.advance(dropped.retryIn());
        assertEquals("reconnect attempt 4", rec.expectState(ConnectionState.CONNECTING).text());
        gateway.acceptConnected().close(4003, "internal"); // up, and down again at once
        rec.expectState(ConnectionState.CONNECTED);
        dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertTrue(dropped.retryIn().compareTo(INITIAL.multipliedBy(16)) <= 0, dropped.toString());

        time.advance(dropped.retryIn());
        assertEquals("reconnect attempt 5", rec.expectState(ConnectionState.CONNECTING).text(), "no reset");
        FakeSocket lasting = gateway.acceptConnected();
        rec.expectState(ConnectionState.CONNECTED);
        time.advance(Duration.ofSeconds(15)); // one heartbeat interval: a connection that worked
        lasting.close(4001, "server_shutdown");
        dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertTrue(dropped.retryIn().compareTo(INITIAL) <= 0, "reset: " + dropped);
        time.advance(dropped.retryIn());
        assertEquals("reconnect attempt 1", rec.expectState(ConnectionState.CONNECTING).text());
        rec.assertExhausted();
    }

    @Test
    void aTerminalCloseCodePutsTheClientInFailedForGood() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        var pending = client.publish(ROOM, null, "hello");
        socket.expect("publish");

        socket.close(4100, "policy_violation");
        StateReason failed = rec.expectState(ConnectionState.FAILED);
        assertEquals(CloseReason.POLICY_VIOLATION, failed.closeReason());
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(0, time.liveTasks(), "no reconnect is scheduled, and no watchdog runs");
        var late = client.publish(ROOM, null, "too late");
        assertInstanceOf(IllegalStateException.class,
                assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS)).getCause());
        rec.assertExhausted();
    }

    @Test
    void closeSendsNormalClosureFailsWhatIsPendingAndNeverReconnects() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        var pending = client.publish(ROOM, null, "hello");
        socket.expect("publish");

        client.close();
        assertEquals((short) 1000, socket.awaitClosed());
        StateReason closed = rec.expectState(ConnectionState.CLOSED);
        assertEquals(1000, closed.closeCode());
        assertInstanceOf(IllegalStateException.class,
                assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS)).getCause());
        assertEquals(0, time.liveTasks());
        assertTrue(client.connect().isCompletedExceptionally(), "a closed client does not connect again");
        rec.assertExhausted();
    }

    @Test
    void theServersPingIsAnsweredWithPong() throws Exception {
        ChorusClient client = client();
        FakeSocket socket = connect(client, Recorder.on(client));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        socket.assertNothingReceived();
    }

    @Test
    void malformedAndUnknownFramesAreReportedAndTheConnectionCarriesOn() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);

        socket.send("this is not json");
        socket.send("[1,2]");
        socket.send(FakeSocket.frame("teleport").toString());
        socket.send(FakeSocket.frame("subscribed").put("channel", ROOM).toString());
        socket.send(FakeSocket.frame("ack").put("ref", "nobody-sent-this").put("id", "x").put("position", "p"));
        socket.send(FakeSocket.frame("error").put("code", 40001).put("error", "bad_json").put("message", "?"));

        assertEquals(ErrorCode.BAD_JSON, rec.next(ChorusException.class).code());
        assertEquals(ErrorCode.BAD_JSON, rec.next(ChorusException.class).code());
        assertEquals(ErrorCode.UNKNOWN_TYPE, rec.next(ChorusException.class).code());
        assertEquals(ErrorCode.INVALID_FIELD, rec.next(ChorusException.class).code());
        assertTrue(rec.next(ChorusException.class).getMessage().contains("unknown ref"));
        assertEquals(ErrorCode.BAD_JSON, rec.next(ChorusException.class).code());
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        assertEquals(ConnectionState.CONNECTED, client.state());
        rec.assertExhausted();
    }

    /**
     * The core thread is a ScheduledThreadPoolExecutor, which keeps a task's exception in a future
     * nobody reads: a bug in the core would vanish without a trace. Here the frame parser throws a
     * RuntimeException (a mapper with a bug): it must reach the error listener, and the core must go on.
     */
    @Test
    void anExceptionInACoreTaskIsReportedAndTheClientCarriesOn() throws Exception {
        ObjectMapper buggy = new ObjectMapper() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonNode readTree(String content) throws JsonProcessingException {
                if (content.contains("boom")) {
                    throw new IllegalStateException("boom");
                }
                return super.readTree(content);
            }
        };
        ChorusClient client = client(b -> b.objectMapper(buggy));
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);

        socket.send(FakeSocket.frame("boom").toString());
        IllegalStateException reported = rec.next(IllegalStateException.class);
        assertEquals("boom", reported.getCause().getMessage());
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        assertEquals(ConnectionState.CONNECTED, client.state());
        rec.assertExhausted();
    }

    @Test
    void aServerSilentForHeartbeatPlusMarginIsDeclaredDeadAndReplaced() throws Exception {
        ChorusClient client = client(b -> b.heartbeatMargin(Duration.ofMillis(500)));
        Recorder rec = Recorder.on(client);
        client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        FakeSocket socket = gateway.accept();
        socket.sendConnected(1000);
        rec.expectState(ConnectionState.CONNECTED);

        time.advance(Duration.ofMillis(1000));
        socket.send(FakeSocket.frame("ping")); // a sign of life at t=1000 moves the deadline to 2500
        socket.expect("pong");
        time.advance(Duration.ofMillis(500)); // the first check, at 1500, finds 500 ms of silence...
        time.awaitTaskDueIn(Duration.ofMillis(1000)); // ...and looks again at 2500, the new deadline
        time.advance(Duration.ofMillis(999));
        rec.assertExhausted();

        time.advance(Duration.ofMillis(1));
        StateReason dead = rec.expectState(ConnectionState.DISCONNECTED);
        assertTrue(dead.text().contains("heartbeat"), dead.toString());
        socket.awaitClosed();
        reconnect(dead, rec);
        rec.assertExhausted();
    }

    @Test
    void noConnectedFrameWithinTheConnectTimeoutCountsAsAFailedAttempt() throws Exception {
        ChorusClient client = client(b -> b.connectTimeout(Duration.ofSeconds(2)));
        Recorder rec = Recorder.on(client);
        client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        FakeSocket mute = gateway.accept();

        time.advance(Duration.ofMillis(1999));
        rec.assertExhausted();
        time.advance(Duration.ofMillis(1));
        StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertTrue(dropped.text().contains("connect timeout"), dropped.toString());
        mute.awaitClosed();
        reconnect(dropped, rec);
        rec.assertExhausted();
    }

    @Test
    void anUnreachableServerIsRetriedUntilItAnswers() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        gateway.rejectNextHandshake(503);
        var connected = client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertEquals(503, assertInstanceOf(HandshakeException.class, dropped.error()).status());
        assertFalse(connected.isDone(), "connect() waits through failed attempts");

        reconnect(dropped, rec);
        connected.get(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
        rec.assertExhausted();
    }
}
