package io.chorus.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.client.ChorusClient;
import io.chorus.client.ConnectionState;
import io.chorus.client.Occupancy;
import io.chorus.client.PresenceEvent.Action;
import io.chorus.client.PresenceMember;
import io.chorus.client.PresenceMembers;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.Subscription;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.SwitchingProxy;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence and occupancy through the Java client against two real gateway pods on one broker:
 * enter/update/leave seen by another client, reads, counts, and reconnects through a switching proxy
 * that neither the reconnecting member nor a reconnecting watcher turns into false leaves and enters.
 */
class PresenceIT {

    private static final String NS = TestGateway.freshNamespace();
    private static final long GRACE_MS = 3_000;
    private static final long SECONDS = 20;
    private static TestGateway podA;
    private static TestGateway podB;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void start() {
        podA = TestGateway.start(c -> config()).awaitPresenceReady();
        podB = TestGateway.start(c -> config()).awaitPresenceReady();
    }

    private static io.chorus.gateway.config.GatewayConfig config() {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_HMAC_SECRET", TestTokens.SECRET);
        env.put("CHORUS_PRESENCE_GRACE", GRACE_MS + "ms");
        env.put("CHORUS_PRESENCE_LEASE", "10s");
        env.put("CHORUS_PRESENCE_FLUSH_INTERVAL", "50ms");
        env.put("CHORUS_PRESENCE_OCCUPANCY_INTERVAL", "200ms");
        return ConfigLoader.load(false, null, env);
    }

    @AfterAll
    static void stop() {
        podB.close();
        podA.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close(); // last opened, first closed: clients before the proxy they go through
        }
    }

    private ChorusClient client(String sub, URI ws) throws Exception {
        String token = TestTokens.hs256(TestTokens.claims(sub, 600, Map.of(NS + ":*",
                new String[] {"subscribe", "publish", "presence"})));
        // A short connect timeout: the proxy, pointed at a closed port, leaves the client's side open.
        ChorusClient c = ChorusClient.builder(ws).token(token).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .connectTimeout(Duration.ofSeconds(2)).build();
        open.add(c);
        c.connect().get(SECONDS, TimeUnit.SECONDS);
        return c;
    }

    private SwitchingProxy proxy(TestGateway to) throws Exception {
        SwitchingProxy p = new SwitchingProxy(to.gateway().port());
        open.add(p);
        return p;
    }

    private static URI via(SwitchingProxy p) {
        return URI.create("ws://127.0.0.1:" + p.port() + "/v1/ws");
    }

    private static Subscription watch(ChorusClient c, String ch, Heard heard) throws Exception {
        Subscription s = c.subscribe(ch, SubscribeOptions.live().withPresence(heard).withOccupancy(heard), m -> { });
        s.ready().get(SECONDS, TimeUnit.SECONDS);
        return s;
    }

    private static List<String> ids(List<PresenceMember> members) {
        return members.stream().map(PresenceMember::clientId).sorted().toList();
    }

    @Test
    void enterUpdateAndLeaveAreSeenByAnotherClientAndReadsAgree() throws Exception {
        String room = NS + ":room:basic";
        Heard heard = new Heard();
        ChorusClient watcher = client("watcher", podB.wsUri());
        Subscription sub = watch(watcher, room, heard);
        ChorusClient ada = client("ada", podA.wsUri());

        ada.enter(room, Map.of("name", "Ada")).get(SECONDS, TimeUnit.SECONDS);
        assertEquals("Ada", heard.expect(Action.ENTER, "ada").member().data().path("name").asText());
        ada.update(room, Map.of("name", "Ada", "typing", true)).get(SECONDS, TimeUnit.SECONDS);
        assertTrue(heard.expect(Action.UPDATE, "ada").member().data().path("typing").asBoolean());
        assertEquals(List.of("ada"), ids(sub.members()));
        PresenceMembers read = watcher.presence(room).get(SECONDS, TimeUnit.SECONDS);
        assertEquals(1, read.count());
        assertTrue(read.complete());
        assertTrue(read.members().get(0).data().path("typing").asBoolean());

        ada.leave(room).get(SECONDS, TimeUnit.SECONDS);
        heard.expect(Action.LEAVE, "ada");
        assertEquals(List.of(), sub.members());
        ExecutionException again = assertThrows(ExecutionException.class, () -> ada.leave(room).get(SECONDS, TimeUnit.SECONDS));
        assertEquals(ErrorCode.NOT_PRESENT, assertInstanceOf(ChorusException.class, again.getCause()).code());
        heard.assertNoEvents();
    }

    @Test
    void occupancyCountsSubscribersAndMembersAcrossPods() throws Exception {
        String room = NS + ":room:counts";
        Heard heard = new Heard();
        ChorusClient watcher = client("watcher", podA.wsUri());
        watch(watcher, room, heard);
        heard.awaitCounts(1, 0);
        ChorusClient bob = client("bob", podB.wsUri());
        bob.subscribe(room, SubscribeOptions.live(), m -> { }).ready().get(SECONDS, TimeUnit.SECONDS);
        bob.enter(room, null).get(SECONDS, TimeUnit.SECONDS);
        heard.awaitCounts(2, 1);
        Conditions.await("the one-off read agrees", Duration.ofSeconds(SECONDS), () -> {
            Occupancy o = watcher.occupancy(room).join();
            return o.subscribers() == 2 && o.members() == 1;
        });
        bob.leave(room).get(SECONDS, TimeUnit.SECONDS);
        heard.awaitCounts(2, 0);
    }

    @Test
    void aMemberThatReconnectsToAnotherPodIsEnteredAgainAndOthersSeeNoLeaveOrEnter() throws Exception {
        String room = NS + ":room:failover";
        Heard heard = new Heard();
        ChorusClient watcher = client("watcher", podA.wsUri());
        watch(watcher, room, heard);
        SwitchingProxy lb = proxy(podA);
        ChorusClient ada = client("ada", via(lb));
        Received adaStates = new Received();
        ada.addStateListener(adaStates);
        ada.enter(room, Map.of("name", "Ada")).get(SECONDS, TimeUnit.SECONDS);
        ada.update(room, Map.of("name", "Ada L.")).get(SECONDS, TimeUnit.SECONDS);
        heard.expect(Action.ENTER, "ada");
        heard.expect(Action.UPDATE, "ada");

        lb.switchTo(podB.gateway().port());
        lb.dropAll(); // pod A sees ada's socket close: she stays for the grace period
        long dropped = System.currentTimeMillis();
        Conditions.await("ada connected again", Duration.ofSeconds(SECONDS),
                () -> adaStates.count(ConnectionState.CONNECTED) == 1);
        Conditions.await("well past the grace period", Duration.ofSeconds(SECONDS),
                () -> System.currentTimeMillis() > dropped + GRACE_MS + 2_000);
        heard.assertNoEvents(); // re-entered on pod B, with the last data: no leave, no enter, no update
        PresenceMembers members = watcher.presence(room).get(SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of("ada"), ids(members.members()));
        assertEquals("Ada L.", members.members().get(0).data().path("name").asText());

        ada.close(); // and a client that does not come back does leave, after the grace period
        heard.expect(Action.LEAVE, "ada");
        heard.assertNoEvents();
    }

    @Test
    void aWatcherThatReconnectsReportsOnlyWhatChangedWhileItWasAway() throws Exception {
        String room = NS + ":room:diff";
        ChorusClient bob = client("bob", podB.wsUri());
        ChorusClient cy = client("cy", podB.wsUri());
        bob.enter(room, Map.of("name", "Bob")).get(SECONDS, TimeUnit.SECONDS);
        cy.enter(room, Map.of("name", "Cy")).get(SECONDS, TimeUnit.SECONDS);
        SwitchingProxy lb = proxy(podA);
        Heard heard = new Heard();
        ChorusClient watcher = client("watcher", via(lb));
        Received states = new Received();
        watcher.addStateListener(states);
        Subscription sub = watch(watcher, room, heard);
        // The first list: two ENTERs, in the server's order.
        List<String> first = new ArrayList<>(List.of(heard.next(Action.ENTER), heard.next(Action.ENTER)));
        first.sort(null);
        assertEquals(List.of("bob", "cy"), first);

        lb.switchTo(closedPort());
        lb.dropAll(); // the watcher is away: its attempts fail until the proxy points at a pod again
        states.awaitState(ConnectionState.DISCONNECTED);
        cy.leave(room).get(SECONDS, TimeUnit.SECONDS);
        ChorusClient dan = client("dan", podB.wsUri());
        dan.enter(room, null).get(SECONDS, TimeUnit.SECONDS);
        Conditions.await("pod A knows", Duration.ofSeconds(SECONDS), () -> {
            List<String> now = ids(bob.presence(room).join().members());
            return now.equals(List.of("bob", "dan"));
        });
        lb.switchTo(podA.gateway().port());
        Conditions.await("watcher back", Duration.ofSeconds(SECONDS), () -> states.count(ConnectionState.CONNECTED) == 1);
        heard.expect(Action.LEAVE, "cy");
        heard.expect(Action.ENTER, "dan");
        assertEquals(List.of("bob", "dan"), ids(sub.members()));
        heard.assertNoEvents(); // bob stayed: nothing about him
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
