package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.session.Out;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.Transport;
import io.chorus.schema.CloseReason;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over a Vert.x WebSocket that speaks Ably: the session's frames go through the
 * {@link AblyTranslator} and come out as ProtocolMessages; the client's ProtocolMessages go through it
 * into the session. Unlike the Chorus WebSocket (which takes the Netty channel over to save about 8 KB
 * a connection), this keeps Vert.x's WebSocket: simpler, and Ably clients are expected to be fewer.
 * Budget: Vert.x's write queue, at most {@code connection.outboundBufferBytes}. Touched on its event loop.
 */
final class AblyTransport implements Transport, AblyTranslator.Peer {

    private static final Logger LOG = LoggerFactory.getLogger(AblyTransport.class);
    private static final Buffer EMPTY = Buffer.buffer();

    private final ServerWebSocket ws;
    private final Context context;
    private final MsgpackCodec msgpack;
    private Session session;
    private AblyTranslator translator;
    private Runnable onDrain;
    private boolean ended;

    /** {@code msgpack}: the event loop's codec when the client asked for {@code format=msgpack}, else null. */
    AblyTransport(ServerWebSocket ws, Context context, int outboundBufferBytes, MsgpackCodec msgpack) {
        this.ws = ws;
        this.context = context;
        this.msgpack = msgpack;
        ws.setWriteQueueMaxSize(outboundBufferBytes);
    }

    /** Wires the socket to the session and opens it, which sends CONNECTED. */
    void open(Session session, AblyTranslator translator) {
        this.session = session;
        this.translator = translator;
        if (msgpack == null) {
            ws.textMessageHandler(translator::fromClient);
            // ably-java sends its JSON ProtocolMessages in binary frames (UTF-8 bytes), and Ably accepts that.
            ws.binaryMessageHandler(b -> translator.fromClient(b.toString(StandardCharsets.UTF_8)));
        } else {
            ws.binaryMessageHandler(this::fromClientMsgpack);
            ws.textMessageHandler(t -> translator.malformed(AblyError.of(AblyCode.PROTOCOL_ERROR,
                    "format=msgpack was agreed: a text frame breaks the protocol")));
        }
        ws.pongHandler(b -> session.onActivity());
        ws.drainHandler(v -> drained());
        ws.exceptionHandler(err -> LOG.debug("ably websocket {}: {}", session.id(), err.toString()));
        ws.closeHandler(v -> {
            ended = true;
            onDrain = null;
            session.onClosed(); // releases the admission slot and the subscriptions
        });
        session.open();
        translator.opened();
    }

    @Override
    public void send(Out kind, Buffer frame) {
        translator.fromSession(kind, frame);
    }

    @Override
    public boolean writable() {
        return !ended && !ws.writeQueueFull();
    }

    @Override
    public void onWritable(Runnable action) {
        if (ended) {
            return;
        }
        if (writable()) {
            context.runOnContext(v -> action.run());
            return;
        }
        Runnable previous = onDrain;
        onDrain = previous == null ? action : () -> {
            previous.run();
            action.run();
        };
    }

    private void drained() {
        Runnable r = onDrain;
        onDrain = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public void close(CloseReason reason) {
        translator.closing(reason);
        end();
    }

    /** A WebSocket ping that every client stack answers, and HEARTBEAT for those that asked (RTN23b). */
    @Override
    public void heartbeat(Buffer jsonPing) {
        if (!ended) {
            ws.writePing(EMPTY);
            translator.heartbeat();
        }
    }

    @Override
    public boolean duplex() {
        return true;
    }

    @Override
    public String kind() {
        return "ably";
    }

    @Override
    public void toSession(Buffer frame) {
        session.onText(frame);
    }

    @Override
    public void activity() {
        session.onActivity();
    }

    @Override
    public void toClient(String protocolMessage) {
        if (ended) {
            return;
        }
        if (msgpack == null) {
            ws.writeTextMessage(protocolMessage);
        } else {
            ws.writeBinaryMessage(Buffer.buffer(msgpack.encode(protocolMessage)));
        }
    }

    private void fromClientMsgpack(Buffer frame) {
        JsonNode pm;
        try {
            pm = MsgpackCodec.decode(frame.getBytes());
        } catch (AblyRefusal r) {
            translator.malformed(r.error());
            return;
        }
        translator.fromClient(pm);
    }

    @Override
    public void end() {
        if (!ended) {
            ended = true;
            ws.close();
        }
    }
}
