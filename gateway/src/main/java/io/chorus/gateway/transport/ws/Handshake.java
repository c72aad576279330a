package io.chorus.gateway.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.logging.LoggingHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.traffic.AbstractTrafficShapingHandler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The server side of the opening handshake (RFC 6455, section 4.2) and the hand-over of the socket
 * from Vert.x's HTTP/1 handlers to Chorus's: after the 101, the pipeline holds only what works on raw
 * bytes (TLS, idle and traffic-shaping handlers, if any), a frame decoder and {@link WebSocketTransport}.
 * No extension is negotiated: an offered {@code permessage-deflate} is ignored, as the RFC allows.
 */
final class Handshake {

    static final String VERSION = "13";
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final String DECODER = "chorusWsDecoder";
    static final String HANDLER = "chorusWs";

    private Handshake() {
    }

    /** What makes the request no WebSocket handshake, for a 400 answer; null when it is a good one. */
    static String problem(HttpServerRequest r) {
        if (r.version() != HttpVersion.HTTP_1_1) {
            return "a WebSocket upgrade needs HTTP/1.1";
        }
        if (!hasToken(r.getHeader("upgrade"), "websocket") || !hasToken(r.getHeader("connection"), "upgrade")) {
            return "not a WebSocket upgrade: send Upgrade: websocket and Connection: Upgrade";
        }
        String version = r.getHeader("sec-websocket-version");
        if (version == null || !VERSION.equals(version.trim())) {
            return "Sec-WebSocket-Version must be " + VERSION;
        }
        String key = r.getHeader("sec-websocket-key");
        if (key == null || !isNonce(key.trim())) {
            return "Sec-WebSocket-Key must be 16 bytes in base64";
        }
        String length = r.getHeader("content-length");
        if (r.getHeader("transfer-encoding") != null || (length != null && !"0".equals(length.trim()))) {
            return "a WebSocket upgrade has no body";
        }
        return null;
    }

    /** The 101 answer to a request whose {@link #problem} is null. */
    static ByteBuf response(String key) {
        String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(key.trim()) + "\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII));
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /**
     * Removes every HTTP handler but the request decoder and adds {@code decoder} and {@code handler}
     * last. The request decoder stays until {@link #finish}: whatever the client sent after the request
     * is in its buffer, and removing it hands those bytes to the next handler, which by then is ours.
     */
    static void takeOver(ChannelPipeline pipeline, ChannelHandler decoder, ChannelHandler handler) {
        for (Map.Entry<String, ChannelHandler> e : pipeline.toMap().entrySet()) {
            ChannelHandler h = e.getValue();
            if (!(h instanceof HttpRequestDecoder) && !worksOnBytes(h)) {
                pipeline.remove(h);
            }
        }
        pipeline.addLast(DECODER, decoder);
        pipeline.addLast(HANDLER, handler);
    }

    /** Removes the HTTP request decoder: from now on the socket's bytes are WebSocket frames. */
    static void finish(ChannelPipeline pipeline) {
        pipeline.remove(HttpRequestDecoder.class);
    }

    /** Handlers below HTTP that a WebSocket needs as much (TLS) or that do not care what the bytes mean. */
    private static boolean worksOnBytes(ChannelHandler h) {
        return h instanceof SslHandler || h instanceof IdleStateHandler || h instanceof AbstractTrafficShapingHandler
                || h instanceof LoggingHandler || h instanceof FlushConsolidationHandler;
    }

    private static boolean hasToken(String header, String token) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNonce(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
