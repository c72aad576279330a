package io.chorus.client;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Each test gets a fake gateway and a manual clock; clients made here read that clock, draw their
 * jitter from a seeded Random, and are closed after the test.
 */
abstract class GatewayTestBase {

    static final Duration INITIAL = Duration.ofMillis(250);
    static final String ROOM = "chat:room1";

    FakeGateway gateway;
    ManualScheduler time;
    private final List<ChorusClient> clients = new ArrayList<>();

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        time = new ManualScheduler();
    }

    @AfterEach
    void stopAll() throws Exception {
        clients.forEach(ChorusClient::close);
        gateway.stop();
    }

    ChorusClient client() {
        return client(b -> b);
    }

    ChorusClient client(UnaryOperator<ChorusClientBuilder> options) {
        ChorusClientBuilder b = ChorusClient.builder(gateway.uri())
                .timer(time, time.clock())
                .random(new Random(42))
                .backoff(INITIAL, Duration.ofSeconds(10));
        ChorusClient c = options.apply(b).build();
        clients.add(c);
        return c;
    }

    /** Connects {@code client} and plays the server's greeting; the recorder has seen both states. */
    FakeSocket connect(ChorusClient client, Recorder recorder) throws Exception {
        var connected = client.connect();
        recorder.expectState(ConnectionState.CONNECTING);
        FakeSocket socket = gateway.acceptConnected();
        connected.get(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
        recorder.expectState(ConnectionState.CONNECTED);
        return socket;
    }

    /** After a drop: waits out the backoff delay the client announced and accepts its next socket. */
    FakeSocket reconnect(StateReason disconnected, Recorder recorder) throws Exception {
        assertFalse(disconnected.retryIn().isNegative());
        time.advance(disconnected.retryIn());
        recorder.expectState(ConnectionState.CONNECTING);
        FakeSocket socket = gateway.acceptConnected();
        recorder.expectState(ConnectionState.CONNECTED);
        return socket;
    }
}
