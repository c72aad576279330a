package io.chorus.client.internal.ws;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A WebSocket server made of a raw {@link ServerSocket} on 127.0.0.1, port 0: every byte it sends is
 * written by the test ({@link RawPeer}), so a test can send what no real server would (a wrong accept
 * key, a masked frame, a frame and a FIN in one write, a reset).
 */
final class RawServer implements AutoCloseable {

    static final long WAIT_SECONDS = 5;

    private final ServerSocket server;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    RawServer() throws IOException {
        this(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
    }

    /** A TLS server: {@code tls} holds its certificate. */
    RawServer(SSLContext tls) throws IOException {
        this(tls.getServerSocketFactory().createServerSocket(0, 200, InetAddress.getLoopbackAddress()));
    }

    private RawServer(ServerSocket server) {
        this.server = server;
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    accepted.add(s);
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "raw-ws-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/v1/ws?x=1");
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next connection, its upgrade request read (not answered). */
    RawPeer accept() throws Exception {
        RawPeer peer = new RawPeer(acceptRaw());
        peer.readRequest();
        return peer;
    }

    /** The next connection, upgraded. */
    RawPeer acceptUpgraded() throws Exception {
        RawPeer peer = accept();
        peer.upgrade();
        return peer;
    }

    /** The next connection, TCP only: nothing read from it. */
    Socket acceptRaw() throws InterruptedException {
        Socket s = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(s, "no client connected within " + WAIT_SECONDS + " s");
        return s;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s; (s = accepted.poll()) != null; ) {
            s.close();
        }
    }
}
