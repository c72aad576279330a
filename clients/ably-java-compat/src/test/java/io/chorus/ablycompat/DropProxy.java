package io.chorus.ablycompat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the SDK and the gateway that can cut every connection at once with a reset: a
 * dropped network, with no WebSocket close on either side; or keep refusing while down. Threads per connection: a test has a few.
 */
final class DropProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    DropProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "drop-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Resets every connection and refuses new ones (reset at once) until {@link #up}: the network is gone. */
    void down() {
        down = true;
        dropAll();
    }

    void up() {
        down = false;
    }

    /** Resets every relayed connection; new ones are relayed as before. */
    void dropAll() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, not FIN: nothing is closed cleanly
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        open.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // one side ended: end the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "drop-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
    }
}
