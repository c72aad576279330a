package io.chorus.ablycompat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ably.lib.realtime.AblyRealtime;
import io.ably.lib.realtime.Channel;
import io.ably.lib.realtime.CompletionListener;
import io.ably.lib.realtime.ConnectionState;
import io.ably.lib.types.AblyException;
import io.ably.lib.types.ClientOptions;
import io.ably.lib.types.ErrorInfo;
import io.ably.lib.types.Message;
import io.ably.lib.util.Log;
import io.chorus.gateway.Gateway;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.kafka.embedded.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official ably-java SDK against a real gateway (in this JVM, on the test JVM's embedded Kafka),
 * changed only in its client options: MessagePack (its default) and JSON, interop with the other format
 * and with a backend's Kafka record, reattach after the network drops, and its error for a bad key.
 */
class AblyJavaIT {

    private static final String KEY = "compat.java:java-secret";
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private static Gateway gateway;
    private static DropProxy proxy;
    private final List<AblyRealtime> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.createTempFile("chorus-ably-java", ".yaml");
        Files.writeString(config, "ably:\n  keys:\n    compat.java: {secret: java-secret, capability: {\"*\": [\"*\"]}}\n");
        gateway = Gateway.start(ConfigLoader.load(false, config, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers(),
                "CHORUS_HTTP_HOST", "127.0.0.1",
                "CHORUS_HTTP_PORT", "0",
                "CHORUS_KAFKA_CREATE_TOPICS", "true",
                "CHORUS_KAFKA_PARTITIONS", "4",
                "CHORUS_NAMESPACES_ALLOW_ANY", "true")));
        Files.delete(config);
        proxy = new DropProxy(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        gateway.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(AblyRealtime::close);
    }

    private AblyRealtime client(String key, boolean msgpack) throws AblyException {
        ClientOptions o = new ClientOptions(key);
        o.realtimeHost = "127.0.0.1";
        o.restHost = "127.0.0.1";
        o.port = proxy.port();
        o.tls = false;
        o.useBinaryProtocol = msgpack;
        o.disconnectedRetryTimeout = 300; // reconnect soon after a drop (default 15 s)
        o.logLevel = Log.NONE;
        AblyRealtime c = new AblyRealtime(o);
        clients.add(c);
        return c;
    }

    private AblyRealtime connected(boolean msgpack) throws Exception {
        AblyRealtime c = client(KEY, msgpack);
        await("connected", () -> c.connection.state == ConnectionState.connected);
        return c;
    }

    private static String freshChannel() {
        return "j" + NAMESPACES.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 1_000_000, 36) + ":room";
    }

    @ParameterizedTest(name = "msgpack={0}")
    @ValueSource(booleans = {true, false})
    void stringsObjectsAndBytesReachBothFormatsAndABackendRecordTooInOneOrder(boolean msgpack) throws Exception {
        String name = freshChannel();
        AblyRealtime pub = connected(msgpack);
        AblyRealtime other = connected(!msgpack);
        Recorder own = subscribe(pub.channels.get(name));
        Recorder cross = subscribe(other.channels.get(name));
        byte[] bytes = {0, 1, (byte) 0xfe, (byte) 0xff};
        JsonObject object = JsonParser.parseString("{\"option\":\"b\",\"weights\":[1,2]}").getAsJsonObject();

        publish(pub.channels.get(name), "s", "text from ably-java");
        publish(pub.channels.get(name), "o", object);
        publish(pub.channels.get(name), "b", bytes);
        produce(name, "record", "{\"from\":\"kafka\"}".getBytes(StandardCharsets.UTF_8));
        publish(other.channels.get(name), "back", "from the other format");

        List<String> serials = null;
        for (Recorder r : List.of(own, cross)) {
            List<Message> got = List.of(r.next(), r.next(), r.next(), r.next(), r.next());
            assertEquals(List.of("s", "o", "b", "record", "back"), got.stream().map(m -> m.name).toList());
            assertEquals("text from ably-java", got.get(0).data);
            assertEquals(object, got.get(1).data);
            assertArrayEquals(bytes, assertInstanceOf(byte[].class, got.get(2).data));
            assertEquals(JsonParser.parseString("{\"from\":\"kafka\"}"), got.get(3).data);
            assertEquals("from the other format", got.get(4).data);
            List<String> s = got.stream().map(m -> m.serial).toList();
            s.forEach(x -> assertNotNull(x, "every message has its serial (its Chorus position)"));
            if (serials != null) {
                assertEquals(serials, s, "both clients see one order, the same serials");
            }
            serials = s;
        }
        own.assertExhausted();
        cross.assertExhausted();
    }

    @Test
    void afterTheNetworkDropsTheChannelReattachesFromItsChannelSerialWithNoLossAndNoDuplicate() throws Exception {
        String name = freshChannel();
        AblyRealtime sub = connected(true);
        Channel channel = sub.channels.get(name);
        Recorder rec = subscribe(channel);
        for (int i = 0; i < 3; i++) {
            produce(name, "n", ("\"m" + i + "\"").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("m0", "m1", "m2"), rec.nextData(3));
        String firstId = sub.connection.id;

        proxy.down();
        await("disconnected", () -> sub.connection.state == ConnectionState.disconnected
                || sub.connection.state == ConnectionState.connecting);
        for (int i = 3; i < 6; i++) {
            produce(name, "n", ("\"m" + i + "\"").getBytes(StandardCharsets.UTF_8));
        }
        proxy.up();
        await("connected again", () -> sub.connection.state == ConnectionState.connected);
        produce(name, "n", "\"end\"".getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("m3", "m4", "m5", "end"), rec.nextData(4));
        rec.assertExhausted();
        assertEquals(firstId, sub.connection.id, "the connection resumed (RTN15c): the same connection id");
    }

    @Test
    void aWrongSecretFailsWith40101AndAnUnknownKeyWith40130InBothFormats() throws Exception {
        for (boolean msgpack : new boolean[] {true, false}) {
            AblyRealtime wrong = client("compat.java:not-the-secret", msgpack);
            AblyRealtime unknown = client("compat.nobody:secret", msgpack);
            await("failed", () -> wrong.connection.state == ConnectionState.failed
                    && unknown.connection.state == ConnectionState.failed);
            assertEquals(40101, wrong.connection.reason.code);
            assertEquals(401, wrong.connection.reason.statusCode);
            assertEquals(40130, unknown.connection.reason.code);
        }
    }

    private static Recorder subscribe(Channel channel) throws Exception {
        Recorder r = new Recorder();
        CompletableFuture<Void> attached = new CompletableFuture<>();
        channel.subscribe(r);
        channel.attach(listener(attached));
        attached.get(20, TimeUnit.SECONDS);
        return r;
    }

    private static void publish(Channel channel, String name, Object data) throws Exception {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        channel.publish(name, data, listener(acked));
        acked.get(20, TimeUnit.SECONDS);
    }

    private static CompletionListener listener(CompletableFuture<Void> done) {
        return new CompletionListener() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onError(ErrorInfo reason) {
                done.completeExceptionally(new AssertionError("Ably error " + reason));
            }
        };
    }

    /** A record as a backend writes it: key = channel, on the namespace's topic, the event name in a header. */
    private static void produce(String channel, String eventName, byte[] value) throws Exception {
        String topic = "chorus." + channel.substring(0, channel.indexOf(':'));
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8), value);
        r.headers().add("chorus-name", eventName.getBytes(StandardCharsets.UTF_8));
        TestKafka.producer().send(r).get(20, TimeUnit.SECONDS);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20); // polling a condition with a deadline, not waiting for time to pass
        }
    }
}
