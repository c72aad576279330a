package io.chorus.client.internal.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records every callback of one {@link WebSocket} with the time it came, and checks the listener's
 * contract on the way: every call on the socket's reader thread, nothing after the terminal one.
 */
final class WsRecorder implements WebSocket.Listener {

    record Open(Map<String, List<String>> headers) {
    }

    record Text(String text) {
    }

    record Binary(int length) {
    }

    record Closed(int code, String reason, long atNanos) {
    }

    record Failure(Throwable error, long atNanos) {
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile boolean ended;
    private volatile String contractBroken;

    @Override
    public void onOpen(WebSocket ws, Map<String, List<String>> headers) {
        record(ws, new Open(headers), false);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        record(ws, new Text(text), false);
    }

    @Override
    public void onBinary(WebSocket ws, int length) {
        record(ws, new Binary(length), false);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
        record(ws, new Closed(code, reason, System.nanoTime()), true);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable error) {
        record(ws, new Failure(error, System.nanoTime()), true);
    }

    private void record(WebSocket ws, Object event, boolean terminal) {
        if (Thread.currentThread() != ws.readerThread()) {
            contractBroken = event + " on " + Thread.currentThread().getName();
        }
        if (ended) {
            contractBroken = event + " after the terminal event";
        }
        ended |= terminal;
        events.add(event);
    }

    <T> T next(Class<T> type) throws InterruptedException {
        return next(type, Duration.ofSeconds(RawServer.WAIT_SECONDS));
    }

    <T> T next(Class<T> type, Duration within) throws InterruptedException {
        Object event = events.poll(within.toNanos(), TimeUnit.NANOSECONDS);
        assertNotNull(event, "no " + type.getSimpleName() + " within " + within.toMillis() + " ms");
        return assertInstanceOf(type, event, "unexpected event " + event);
    }

    String expectText() throws InterruptedException {
        return next(Text.class).text();
    }

    /** The next event, whatever it is, or null after {@code within}. */
    Object poll(Duration within) throws InterruptedException {
        return events.poll(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next event is the terminal one, of either kind, within {@code within}. */
    Object terminal(Duration within) throws InterruptedException {
        Object event = events.poll(within.toNanos(), TimeUnit.NANOSECONDS);
        assertNotNull(event, "the end of the connection was not reported within " + within.toMillis() + " ms");
        assertTrue(event instanceof Closed || event instanceof Failure, "unexpected event " + event);
        return event;
    }

    <T extends Throwable> T expectFailure(Class<T> type) throws InterruptedException {
        return assertInstanceOf(type, next(Failure.class).error());
    }

    /** Once the reader thread has ended no callback can come: nothing came that the test did not take. */
    void assertExhausted(WebSocket ws) throws InterruptedException {
        ws.readerThread().join(TimeUnit.SECONDS.toMillis(RawServer.WAIT_SECONDS));
        assertFalse(ws.readerThread().isAlive(), "the reader thread did not end");
        assertEquals(null, contractBroken, "listener contract");
        assertTrue(events.isEmpty(), "unexpected events " + events);
        assertSame(true, ended, "no terminal event");
    }
}
