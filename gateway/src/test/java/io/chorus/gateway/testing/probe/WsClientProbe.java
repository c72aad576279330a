package io.chorus.gateway.testing.probe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.CloseReason;
import java.net.URI;
import java.time.Duration;

/** The contract over WebSocket: subscribe and enter frames after {@code connected}; the close as END. */
final class WsClientProbe extends ClientProbe {

    private WsProbe ws;
    private int seenPings;

    static WsClientProbe open(URI base, Open open) throws Exception {
        WsClientProbe p = new WsClientProbe();
        String uri = "ws://" + base.getAuthority() + "/v1/ws" + (open.token() == null ? "" : "?token=" + open.token());
        p.ws = WsProbe.open(URI.create(uri));
        p.pump();
        for (String channel : open.channels()) {
            ObjectNode s = WsProbe.JSON.createObjectNode().put("type", "subscribe").put("ref", "s:" + channel)
                    .put("channel", channel);
            if (open.since().containsKey(channel)) {
                s.put("since", open.since().get(channel));
            }
            if (open.presence().contains(channel)) {
                s.put("presence", true);
            }
            if (open.occupancy().contains(channel)) {
                s.put("occupancy", true);
            }
            p.ws.send(s.toString());
        }
        for (var e : open.enter().entrySet()) {
            ObjectNode f = WsProbe.JSON.createObjectNode().put("type", "enter").put("ref", "e:" + e.getKey())
                    .put("channel", e.getKey());
            f.set("data", e.getValue());
            p.ws.send(f.toString());
        }
        return p;
    }

    /** Moves the WebSocket's frames into the contract's queue, then its close. */
    private void pump() {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    while (seenPings < ws.pings()) {
                        seenPings++;
                        beat();
                    }
                    var n = ws.next(Duration.ofMillis(50));
                    if (n != null) {
                        received(n);
                    } else if (ws.isClosed()) {
                        int code = ws.awaitClose(Duration.ofSeconds(1));
                        CloseReason r = CloseReason.byCode(code);
                        ended(r == null ? "close:" + code : r.wireName());
                        return;
                    }
                }
            } catch (Exception e) {
                ended("probe:" + e);
            }
        }, "ws-contract-probe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        ws.close();
    }
}
