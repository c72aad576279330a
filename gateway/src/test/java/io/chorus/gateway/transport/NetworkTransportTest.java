package io.chorus.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

/** {@code http.transport}: the one asked for when it loads, else epoll, else NIO, with the reason kept. */
class NetworkTransportTest {

    @Test
    void theTransportAskedForIsUsedWhenItLoads() {
        NetworkTransport.Choice c = NetworkTransport.choose("io_uring", t -> true);
        assertEquals("io_uring", c.name());
        assertEquals(Transport.IO_URING, c.transport());
        assertFalse(c.fellBack());
        assertEquals("", c.fallbackReason());
    }

    @Test
    void ioUringThatCannotLoadFallsBackToEpollAndSaysWhy() {
        NetworkTransport.Choice c = NetworkTransport.choose("io_uring", t -> t != Transport.IO_URING);
        assertEquals("epoll", c.name());
        assertEquals(Transport.EPOLL, c.transport());
        assertTrue(c.fellBack());
        assertTrue(c.fallbackReason().startsWith("io_uring unavailable"), c.fallbackReason());
    }

    @Test
    void withoutAnyNativeTransportNioServes() {
        NetworkTransport.Choice c = NetworkTransport.choose("io_uring", t -> false);
        assertEquals("nio", c.name());
        assertTrue(c.fallbackReason().contains("io_uring unavailable") && c.fallbackReason().contains("epoll unavailable"),
                c.fallbackReason());
        assertEquals("nio", NetworkTransport.choose("nio", t -> false).name());
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> NetworkTransport.choose("kqueue-ish", t -> true));
    }
}
