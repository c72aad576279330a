package io.chorus.client.engage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The entry point's checks that need no server. */
class EngageTest {

    private static String jwt(String payload) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    @Test
    void theHostIdIsTheTokensSub() {
        assertEquals("h-0123456789abcdef", Engage.subject(jwt("{\"sub\":\"h-0123456789abcdef\"}")));
        for (String bad : new String[] {null, "", "a.b", jwt("{}"), jwt("{\"sub\":7}"), "x.!!!.y"}) {
            EngageException e = assertThrows(EngageException.class, () -> Engage.subject(bad));
            assertEquals(EngageErrorCode.TOKEN_INVALID, e.code());
        }
    }

    @Test
    void aBadCodeOrTokenFailsTheHostBeforeConnecting() {
        try (Engage engage = Engage.builder(URI.create("ws://127.0.0.1:1/v1/ws")).build()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> engage.host("ABCDE0", jwt("{\"sub\":\"h\"}")).get());
            assertEquals(EngageErrorCode.INVALID_REQUEST, ((EngageException) e.getCause()).code());
            e = assertThrows(ExecutionException.class, () -> engage.host("abcdef", "not a jwt").get());
            assertEquals(EngageErrorCode.TOKEN_INVALID, ((EngageException) e.getCause()).code());
            e = assertThrows(ExecutionException.class, () -> engage.createEvent(" ").get());
            assertEquals(EngageErrorCode.INVALID_REQUEST, ((EngageException) e.getCause()).code());
        }
    }

    @Test
    void aGatewayThatNeverAnswersFailsTheHostWithNetworkErrorWithinTheRequestTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Engage engage = Engage.builder(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/v1/ws"))
                     .requestTimeout(java.time.Duration.ofMillis(300)).build()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> engage.host("ABC234", jwt("{\"sub\":\"h-1\"}")).get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(EngageErrorCode.NETWORK_ERROR, ((EngageException) e.getCause()).code());
        }
    }

    @Test
    void theRestApiIsBesideTheWebSocketEndpoint() {
        assertEquals(URI.create("http://h:8080/"), GatewayTransport.restBase(URI.create("ws://h:8080/v1/ws")));
        assertEquals(URI.create("https://h/rt/"), GatewayTransport.restBase(URI.create("wss://h/rt/v1/ws")));
    }
}
