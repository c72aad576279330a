package io.chorus.bench.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One client WebSocket to the gateway ({@code GET /v1/ws?token=…}, PROTOCOL.md). Every frame from the
 * server goes to the {@link Listener} with its arrival time, read on this socket's event loop before
 * anything else is done with it. All calls must run on {@link #context()}.
 */
public final class EngageSocket {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What the socket received; {@code rel} is {@code System.nanoTime() - epoch} at arrival. */
    public interface Listener {
        void frame(String type, JsonNode f, long rel);

        default void closed(int code) {
        }
    }

    private final WebSocketClient client;
    private final Context context;
    private final String host;
    private final int port;
    private final String token;
    private final long epoch;
    private final Listener listener;
    private WebSocket ws;
    private Promise<Void> connected;

    public EngageSocket(WebSocketClient client, Context context, String host, int port, String token, long epoch,
                        Listener listener) {
        this.client = client;
        this.context = context;
        this.host = host;
        this.port = port;
        this.token = token;
        this.epoch = epoch;
        this.listener = listener;
    }

    public Context context() {
        return context;
    }

    /** Opens the socket; completes on the server's {@code connected} frame. */
    public Future<Void> open() {
        connected = Promise.promise();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(port).setTimeout(60_000)
                .setURI("/v1/ws?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        client.connect(o).onComplete(ar -> {
            if (ar.failed()) {
                connected.tryFail(ar.cause());
                return;
            }
            ws = ar.result();
            WebSocket socket = ws;
            socket.textMessageHandler(text -> onText(text));
            socket.exceptionHandler(t -> connected.tryFail(t));
            socket.closeHandler(v -> {
                Short code = socket.closeStatusCode();
                connected.tryFail("closed with " + code + " before connected");
                listener.closed(code == null ? 1006 : code);
            });
        });
        return connected.future();
    }

    private void onText(String text) {
        long rel = System.nanoTime() - epoch;
        JsonNode f;
        try {
            f = JSON.readTree(text);
        } catch (Exception e) {
            listener.frame("unreadable", null, rel);
            return;
        }
        String type = f.path("type").asText();
        if (type.equals("connected")) {
            connected.tryComplete();
        } else if (type.equals("error") && !f.has("ref") && !f.has("channel")) {
            // A refused token is an error without ref, then a close.
            connected.tryFail(text);
        }
        listener.frame(type, f, rel);
    }

    /** Publishes {@code data} (a JSON text) on {@code channel} with message id {@code id}. */
    public boolean publish(String ref, String channel, String id, String data) {
        return send("{\"type\":\"publish\",\"ref\":\"" + ref + "\",\"channel\":\"" + channel + "\",\"id\":\"" + id
                + "\",\"data\":" + data + "}");
    }

    public boolean subscribe(String ref, String channel, int rewind) {
        return send("{\"type\":\"subscribe\",\"ref\":\"" + ref + "\",\"channel\":\"" + channel + "\""
                + (rewind > 0 ? ",\"rewind\":" + rewind : "") + "}");
    }

    private boolean send(String text) {
        if (ws == null || ws.isClosed()) {
            return false;
        }
        ws.writeTextMessage(text);
        return true;
    }

    public Future<Void> close() {
        if (ws == null || ws.isClosed()) {
            return Future.succeededFuture();
        }
        return ws.close((short) 1000, "bench");
    }
}
