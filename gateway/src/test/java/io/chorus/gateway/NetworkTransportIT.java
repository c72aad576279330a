package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.gateway.config.HttpConfig;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each value of {@code http.transport} serves WebSocket fan-out: messages produced one by one and in a
 * burst (which the flusher coalesces) arrive in order, and the transport gauge names the one in use. On
 * this kernel io_uring and epoll both load; where one cannot, the gateway falls back (NetworkTransportTest).
 */
class NetworkTransportIT {

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyTransportDeliversInOrder(String transport) throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":t";
        try (TestGateway gateway = TestGateway.start(c -> c.withHttp(c.http().withTransport(transport)));
             Backend backend = new Backend(ns, ch);
             WsProbe a = WsProbe.connect(gateway.wsUri());
             WsProbe b = WsProbe.connect(gateway.wsUri())) {
            MeterRegistry registry = gateway.gateway().metrics().registry();
            String inUse = registry.get("chorus_network_transport").gauges().stream()
                    .filter(g -> g.value() == 1).map(g -> g.getId().getTag("transport")).findFirst().orElse("none");
            assertEquals(transport, inUse, "the gauge names the transport in use");
            for (WsProbe p : new WsProbe[] {a, b}) {
                p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
                p.expect("subscribed");
            }
            backend.send(0);
            backend.sendRange(1, 40);
            for (WsProbe p : new WsProbe[] {a, b}) {
                for (int i = 0; i < 40; i++) {
                    assertEquals(i, p.expect("message").get("data").get("n").asInt(), transport + " order");
                }
            }
            a.assertNoMoreFrames();
            b.assertNoMoreFrames();
        }
    }
}
