package io.chorus.client;

import static io.chorus.client.Positions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where and in which order application code runs, and what a slow or failing listener does. */
class DeliveryTest extends GatewayTestBase {

    @Test
    void everyCallbackAndFutureRunsOnTheOneDeliveryThreadInOrder() throws Exception {
        ChorusClient client = client();
        List<String> seen = new ArrayList<>(); // only the delivery thread touches it
        client.addStateListener((state, reason) -> seen.add(Thread.currentThread().getName() + " " + state));
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(),
                m -> seen.add(Thread.currentThread().getName() + " " + m.position()));
        sub.ready().thenRun(() -> seen.add(Thread.currentThread().getName() + " ready"));
        client.connect();
        FakeSocket socket = gateway.acceptConnected();
        socket.subscribed(socket.expect("subscribe"), at(0));
        socket.message(ROOM, at(1), "a");
        socket.message(ROOM, at(2), "b");
        CountDownLatch last = new CountDownLatch(1);
        client.publish(ROOM, null, "x").thenRun(last::countDown);
        socket.ack(socket.expect("publish"), at(3), false);
        assertTrue(last.await(5, TimeUnit.SECONDS));

        List<String> expected = List.of("CONNECTING", "CONNECTED", "ready", at(1), at(2));
        assertEquals(expected.size(), seen.size(), seen.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(seen.get(i).matches("chorus-client-\\d+-delivery " + expected.get(i)), seen.get(i));
        }
    }

    @Test
    void aListenerSlowerThanTheServerStillGetsEveryMessageOnceAndInOrder() throws Exception {
        ChorusClient client = client(b -> b.maxBufferedMessages(2));
        Recorder rec = Recorder.on(client);
        CountDownLatch release = new CountDownLatch(1);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), m -> {
            try {
                release.await(); // holds the delivery thread: the client must stop reading, not queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rec.onMessage(m);
        });
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(0));
        sub.ready().get(5, TimeUnit.SECONDS);
        for (int i = 1; i <= 200; i++) {
            socket.message(ROOM, at(i), "m" + i);
        }
        socket.send(FakeSocket.frame("ping"));
        release.countDown();

        for (int i = 1; i <= 200; i++) {
            rec.expectMessage(at(i));
        }
        socket.expect("pong");
        rec.assertExhausted();
    }

    @Test
    void anExceptionFromAListenerIsReportedAndDeliveryGoesOn() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        client.subscribe(ROOM, SubscribeOptions.live(), m -> {
            if (m.position().equals(at(1))) {
                throw new IllegalStateException("application bug");
            }
            rec.onMessage(m);
        });
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(0));
        socket.message(ROOM, at(1), "boom");
        socket.message(ROOM, at(2), "fine");
        assertEquals("application bug", rec.next(IllegalStateException.class).getMessage());
        rec.expectMessage(at(2));
        rec.assertExhausted();
    }

    @Test
    void noListenerCallStartsAfterUnsubscribeReturnsEvenForMessagesAlreadyQueued() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), m -> {
            rec.onMessage(m);
            inFirst.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(0));
        socket.message(ROOM, at(1), "being handled");
        socket.message(ROOM, at(2), "queued behind it");
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong"); // the core has read message 2 and queued it for delivery
        assertTrue(inFirst.await(5, TimeUnit.SECONDS));

        var done = sub.unsubscribe();
        release.countDown();
        JsonNode unsubscribe = socket.expect("unsubscribe");
        socket.send(FakeSocket.frame("unsubscribed").put("ref", unsubscribe.path("ref").asText()));
        done.get(5, TimeUnit.SECONDS); // completes on the delivery thread, after message 2's turn
        rec.expectMessage(at(1));
        rec.assertExhausted();
    }
}
