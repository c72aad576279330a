package io.chorus.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on 127.0.0.1 standing in for a load balancer in front of gateway pods: it can
 * switch its target, drop every connection (a pod or network dying), and swallow replies (an ack
 * lost on the way back).
 */
public final class SwitchingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile int targetPort;
    private volatile boolean swallowReplies;

    public SwitchingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void switchTo(int port) {
        targetPort = port;
    }

    /** From now on, bytes from the gateway to the client are dropped. */
    public void swallowReplies(boolean swallow) {
        swallowReplies = swallow;
    }

    /** Closes every forwarded connection abruptly; new connections go to the current target. */
    public void dropAll() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
        open.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                // server closed, or target down: the client sees the connection fail and retries
            }
        }
    }

    private void pump(Socket from, Socket to, boolean reply) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!(reply && swallowReplies)) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
    }
}
