package io.chorus.client.internal.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reaching the server: TLS for wss (with the host name checked) and HTTP proxies through CONNECT. */
@Timeout(120)
class DialerTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static SSLContext serverTls;
    private static SSLContext clientTls;

    /** A self-signed certificate for "localhost" only (no IP address in it), made by the JDK's keytool. */
    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
        assertTrue(Files.size(store) > 0);
    }

    private static WsConfig trusting() {
        return new WsConfig(clientTls, null, null, null, 1 << 20, 1 << 20, Duration.ofSeconds(1));
    }

    @Test
    void wssSpeaksWebSocketOverTlsToAServerWhoseCertificateNamesTheHost() throws Exception {
        try (RawServer server = new RawServer(serverTls)) {
            WsRecorder rec = new WsRecorder();
            WebSocket ws = WebSocket.open(trusting(), URI.create("wss://localhost:" + server.port() + "/v1/ws"),
                    Map.of(), 10_000, rec);
            RawPeer peer = server.accept();
            assertEquals("localhost:" + server.port(), peer.header("host"));
            peer.upgrade();
            rec.next(WsRecorder.Open.class);
            assertTrue(ws.sendText("over tls"));
            assertEquals("over tls", peer.expectFrame(WsProtocol.OP_TEXT).text());
            peer.write(RawPeer.close(1000, "bye"));
            assertEquals(1000, rec.next(WsRecorder.Closed.class).code());
            rec.assertExhausted(ws);
        }
    }

    @Test
    void wssRefusesACertificateThatDoesNotNameTheHostItConnectedTo() throws Exception {
        try (RawServer server = new RawServer(serverTls)) {
            WsRecorder rec = new WsRecorder();
            // Trusted certificate, but for "localhost", not "127.0.0.1": host name verification must refuse it.
            WebSocket ws = WebSocket.open(trusting(), URI.create("wss://127.0.0.1:" + server.port() + "/v1/ws"),
                    Map.of(), 10_000, rec);
            try (Socket s = server.acceptRaw()) {
                s.setSoTimeout(10_000);
                try {
                    s.getInputStream().read(); // the server's side of the handshake, which the client aborts
                } catch (IOException expected) {
                    // the client refused the certificate
                }
                rec.expectFailure(SSLHandshakeException.class);
                rec.assertExhausted(ws);
            }
        }
    }

    @Test
    void anHttpProxyIsAskedToTunnelToTheHostAndTheUpgradeGoesThroughIt() throws Exception {
        try (RawServer proxy = new RawServer()) {
            WsConfig viaProxy = new WsConfig(null, null,
                    ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())), null, 1 << 20, 1 << 20,
                    Duration.ofSeconds(1));
            WsRecorder rec = new WsRecorder();
            WebSocket ws = WebSocket.open(viaProxy, URI.create("ws://chorus.invalid:8080/v1/ws"),
                    Map.of("Authorization", List.of("Bearer t")), 10_000, rec);
            // The stand-in proxy answers CONNECT and then plays the server on the same socket.
            RawPeer tunnel = proxy.accept();
            assertEquals("CONNECT chorus.invalid:8080 HTTP/1.1", tunnel.requestLine);
            assertEquals(null, tunnel.header("authorization"), "the token is for the server, not the proxy");
            tunnel.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            tunnel.readRequest();
            assertEquals("GET /v1/ws HTTP/1.1", tunnel.requestLine);
            assertEquals("chorus.invalid:8080", tunnel.header("host"));
            assertEquals("Bearer t", tunnel.header("authorization"));
            tunnel.upgrade();
            rec.next(WsRecorder.Open.class);
            tunnel.write(RawPeer.text("through the tunnel"));
            assertEquals("through the tunnel", rec.expectText());
            ws.abort();
            rec.terminal(Duration.ofSeconds(RawServer.WAIT_SECONDS));
            rec.assertExhausted(ws);

            WsRecorder refused = new WsRecorder();
            WebSocket ws2 = WebSocket.open(viaProxy, URI.create("ws://chorus.invalid:8080/v1/ws"), Map.of(), 10_000,
                    refused);
            proxy.accept().write("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(407, refused.expectFailure(HandshakeException.class).status());
            refused.assertExhausted(ws2);
        }
    }
}
