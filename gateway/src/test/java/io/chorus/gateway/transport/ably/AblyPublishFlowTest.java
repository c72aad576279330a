package io.chorus.gateway.transport.ably;

import static io.chorus.gateway.transport.ably.AblyRecorder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.session.Out;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publishes through the translator ({@link AblyPublishFlow}), without sockets or Kafka: MESSAGE in, one
 * session publish per message out; the session's acks and refusals in, ACK and NACK out in msgSerial
 * order; the bounds on what waits. (PRESENCE's side of the flow: AblyPresenceTest.) Every frame either
 * side receives is recorded, and each test ends with nothing left unexamined.
 */
class AblyPublishFlowTest {

    private final AblyRecorder peer = new AblyRecorder();

    @AfterEach
    void nothingUnexpected() {
        peer.assertExhausted();
    }

    @Test
    void acksGoOutInMsgSerialOrderWhateverOrderKafkaAnswersIn() {
        AblyTranslator t = peer.alice();
        for (int s = 0; s < 3; s++) {
            t.fromClient("{\"action\":15,\"msgSerial\":" + s + ",\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m" + s
                    + "\"}]}");
        }
        JsonNode p0 = peer.session();
        JsonNode p1 = peer.session();
        JsonNode p2 = peer.session();
        assertEquals("a-conn:1:0", p1.get("id").asText(), "TM2a: connectionId:msgSerial:index");
        assertEquals("m1", p1.get("data").asText());
        t.fromSession(Out.REPLY, ack(p2, "s2"));
        t.fromSession(Out.REPLY, ack(p0, "s0"));
        JsonNode first = peer.client();
        assertEquals(1, first.get("action").asInt());
        assertEquals(0, first.get("msgSerial").asInt());
        assertEquals(1, first.get("count").asInt());
        t.fromSession(Out.REPLY, ack(p1, "s1"));
        JsonNode rest = peer.client();
        assertEquals(1, rest.get("msgSerial").asInt());
        assertEquals(2, rest.get("count").asInt(), "consecutive ACKs in one");
        assertEquals("s1", rest.at("/res/0/serials/0").asText());
        assertEquals("s2", rest.at("/res/1/serials/0").asText());
    }

    private static Buffer ack(JsonNode publish, String position) {
        return frame("{\"type\":\"ack\",\"ref\":\"" + publish.get("ref").asText() + "\",\"channel\":\"chat:x\",\"id\":\"i\","
                + "\"position\":\"" + position + "\",\"duplicate\":false}");
    }

    @Test
    void aRefusalBecomesANackWithTheAblyCodeAndDoesNotHoldBackLaterAcks() {
        AblyTranslator t = peer.alice();
        t.fromClient("{\"action\":15,\"msgSerial\":0,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"a\"}]}");
        t.fromClient("{\"action\":15,\"msgSerial\":1,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"b\"}]}");
        JsonNode p0 = peer.session();
        JsonNode p1 = peer.session();
        t.fromSession(Out.REPLY, ack(p1, "s1"));
        t.fromSession(Out.ERROR, frame("{\"type\":\"error\",\"ref\":\"" + p0.get("ref").asText()
                + "\",\"code\":40302,\"error\":\"forbidden\",\"message\":\"no\",\"retryable\":false}"));
        JsonNode nack = peer.client();
        assertEquals(2, nack.get("action").asInt());
        assertEquals(0, nack.get("msgSerial").asInt());
        assertEquals(40160, nack.at("/error/code").asInt());
        assertEquals(401, nack.at("/error/statusCode").asInt());
        JsonNode ack = peer.client();
        assertEquals(1, ack.get("action").asInt());
        assertEquals(1, ack.get("msgSerial").asInt());
    }

    @Test
    void aRefusalWithoutARefAnswersTheRequestBeingDispatched() {
        // The session refuses a frame over its size limit before it reads the ref, synchronously.
        AblyTranslator t = peer.translator(null, Map.of("*", List.of("publish")), "", 10);
        peer.session = f -> t.fromSession(Out.ERROR, frame("{\"type\":\"error\",\"code\":41301,"
                + "\"error\":\"message_too_large\",\"message\":\"too big\",\"retryable\":false}"));
        t.fromClient("{\"action\":15,\"msgSerial\":0,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        peer.clientError(2, 40009, null);
        assertFalse(peer.ended);
    }

    @Test
    void publishesBeyondTheLimitAreNackedAndFarBeyondItEndTheConnection() {
        AblyTranslator t = peer.translator("*", "", 2);
        for (int s = 0; s < 3; s++) {
            t.fromClient("{\"action\":15,\"msgSerial\":" + s + ",\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        }
        JsonNode p0 = peer.session();
        peer.session();
        assertTrue(peer.toSession.isEmpty(), "the third is not published");
        t.fromSession(Out.REPLY, ack(p0, "s0"));
        assertEquals(1, peer.client().get("action").asInt());
        // Waiting: 1 (in Kafka), 2 (refused, its NACK behind 1's ACK). More than twice the limit ends it.
        for (int s = 3; s <= 4; s++) {
            t.fromClient("{\"action\":15,\"msgSerial\":" + s + ",\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        }
        assertTrue(peer.toClient.isEmpty() && peer.toSession.isEmpty(), "refused in turn, behind msgSerial 1");
        t.fromClient("{\"action\":15,\"msgSerial\":5,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        peer.clientError(6, 42921, null);
        assertTrue(peer.ended);
    }

    @Test
    void aBrokenFrameIsAProtocolErrorThatEndsTheConnection() {
        peer.alice().fromClient("{\"action\":15,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        JsonNode err = peer.client();
        assertEquals(80013, err.at("/error/code").asInt(), "MESSAGE without msgSerial");
        assertTrue(peer.ended);
    }
}
