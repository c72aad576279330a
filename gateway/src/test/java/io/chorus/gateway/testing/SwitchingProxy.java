package io.chorus.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    private static final System.Logger LOG = System.getLogger(SwitchingProxy.class.getName());
    /** A target that accepts nothing in this long is down, as far as a test is concerned. */
    private static final int CONNECT_TIMEOUT_MS = 2000;

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

    /**
     * The only acceptor: it never blocks on anything but accept. Each client gets its own thread to
     * reach the target (with a timeout, so a target that does not answer cannot hold it), and the
     * client's socket is closed if that fails, as a load balancer with no healthy pod does. A bug in
     * one connection is logged; it never ends the loop.
     */
    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed (the loop ends), or one failed accept: the next may work
            }
            try {
                Thread t = new Thread(() -> connect(client), "proxy-connect");
                t.setDaemon(true);
                t.start();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "proxy: could not serve a connection", e);
                closeQuietly(client);
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            open.add(client);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), CONNECT_TIMEOUT_MS);
            open.add(upstream);
            pump(client, upstream, false);
            pump(upstream, client, true);
        } catch (IOException | RuntimeException e) {
            // Target down or slow: the client sees its connection end and retries.
            if (e instanceof RuntimeException) {
                LOG.log(System.Logger.Level.ERROR, "proxy: could not connect a client", e);
            }
            open.remove(client);
            closeQuietly(client);
            closeQuietly(upstream);
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
                open.remove(from); // the list holds live connections only
                open.remove(to);
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
