package io.chorus.client.internal.ws;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client WebSocket on a blocking socket. A reader thread connects, upgrades, then reads until the
 * connection ends; a writer thread, started after the upgrade, writes queued frames in order.
 *
 * <p><b>Every end is reported at once, exactly once.</b> The reader is always blocked in {@code read}
 * (never waiting for permission to read, as {@code java.net.http.WebSocket} does), so an end of stream
 * (FIN), a reset or a read error returns from it as soon as the kernel knows, and the reader reports it
 * then: {@link Listener#onClosed} for a close frame (code 1005 when it had none) or an end of stream
 * without one (1006), {@link Listener#onFailure} for everything else (connect, TLS or upgrade failure,
 * read or write error, a protocol violation, {@link #abort}). Exactly one of the two, once: after it,
 * nothing more. All listener calls happen on the reader thread, one at a time, so a listener needs no
 * lock of its own. A listener that blocks holds back reading (that is how backpressure reaches TCP),
 * and with it the report of an end: the caller decides how far behind it lets that go.
 *
 * <p>Writes never block the caller: {@link #sendText} encodes and queues, and is refused past
 * {@code maxQueuedBytes}. The writer never holds a lock while writing.
 */
public final class WebSocket {

    /** Events of one socket, on its reader thread. */
    public interface Listener {
        /** The upgrade succeeded; {@code headers} are the 101's, names in lower case. */
        void onOpen(WebSocket ws, Map<String, List<String>> headers);

        void onText(WebSocket ws, String text);

        /** A binary message; its content is not kept. */
        void onBinary(WebSocket ws, int length);

        /** Terminal: the server's close frame, or 1006 when the connection ended without one. */
        void onClosed(WebSocket ws, int code, String reason);

        /** Terminal: anything else that ended the socket. */
        void onFailure(WebSocket ws, Throwable error);
    }

    private static final AtomicInteger SOCKETS = new AtomicInteger();
    /** Ends the writer: never written. */
    private static final byte[] STOP = new byte[0];

    private final WsConfig config;
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final long connectTimeoutMs;
    private final Listener listener;
    private final String name;
    private final LinkedBlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>();
    /** Bytes in {@link #outbox}: the queue's bound (it has no count limit of its own). */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CountDownLatch readerDone = new CountDownLatch(1);
    private final CountDownLatch writerDone = new CountDownLatch(1);
    /** Guards {@link #raw} against an abort racing the reader's connect. */
    private final Object rawLock = new Object();
    private Socket raw;
    private volatile boolean aborted;
    private volatile boolean opened;
    private volatile boolean closeReceived;
    private volatile IOException writeError;
    private volatile Thread reader;

    private WebSocket(WsConfig config, URI uri, Map<String, List<String>> headers, long connectTimeoutMs,
                      Listener listener) {
        this.config = config;
        this.uri = uri;
        this.headers = headers;
        this.connectTimeoutMs = connectTimeoutMs;
        this.listener = listener;
        this.name = "chorus-ws-" + SOCKETS.incrementAndGet();
    }

    /**
     * Starts connecting to a {@code ws://} or {@code wss://} URI and returns at once; the listener hears
     * the outcome. {@code headers} are added to the upgrade request; {@code connectTimeoutMs} bounds
     * connect, proxy, TLS and upgrade together.
     */
    public static WebSocket open(WsConfig config, URI uri, Map<String, List<String>> headers, long connectTimeoutMs,
                                 Listener listener) {
        WebSocket ws = new WebSocket(config, uri, new LinkedHashMap<>(headers), connectTimeoutMs, listener);
        Thread t = new Thread(ws::read, ws.name + "-read");
        t.setDaemon(true);
        ws.reader = t;
        t.start();
        return ws;
    }

    /**
     * Queues a text message. False when it was not queued: the socket is closing or gone, or
     * {@code maxQueuedBytes} are waiting already (the peer does not read). Callable before the
     * upgrade completes: frames go out after it, in order.
     */
    public boolean sendText(String text) {
        return enqueue(FrameWriter.text(text), true);
    }

    /**
     * Starts the close handshake: sends a close frame after what is queued, waits up to the grace for
     * the server's, and then drops the connection. The listener hears the server's answer (or 1006).
     * Before the upgrade completed, this is {@link #abort}.
     */
    public void close(int code, String reason) {
        if (!opened) {
            abort();
        } else if (closeSent.compareAndSet(false, true)) {
            enqueue(FrameWriter.close(code, reason), false);
        }
    }

    /** Drops the connection now, without a close handshake. Any thread; idempotent. */
    public void abort() {
        aborted = true;
        closeRaw();
    }

    /** True once a close frame went either way, or the socket ended: a refused send is then expected. */
    public boolean closing() {
        return closeSent.get() || closeReceived || finished.get();
    }

    /** The reader thread (for tests: after it ended, the listener hears nothing more). */
    public Thread readerThread() {
        return reader;
    }

    @Override
    public String toString() {
        return name + "[" + uri + "]";
    }

    /**
     * {@code bounded}: counted against {@code maxQueuedBytes} (data and pongs: a server that pings but
     * never reads must not grow the queue). A close is never refused: there is at most one.
     */
    private boolean enqueue(byte[] frame, boolean bounded) {
        if (finished.get() || (bounded && closeSent.get())) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.length) > config.maxQueuedBytes() && bounded) {
            queuedBytes.addAndGet(-frame.length);
            return false;
        }
        outbox.add(frame);
        return true;
    }

    // ---- reader thread ----

    private void read() {
        Socket socket;
        FrameReader frames;
        Map<String, List<String>> answer;
        try {
            Dialer.Deadline deadline = new Dialer.Deadline(connectTimeoutMs);
            socket = Dialer.dial(config, uri, deadline, this::register);
            DeadlineInput guarded = new DeadlineInput(socket, socket.getInputStream(), deadline);
            InputStream in = new BufferedInputStream(guarded, 16 << 10);
            String key = Handshake.newKey();
            Map<String, List<String>> request = new LinkedHashMap<>(headers);
            Cookies.addTo(config.cookies(), uri, request);
            Handshake.writeRequest(socket.getOutputStream(), uri, key, request);
            answer = Handshake.readResponse(in, key);
            Cookies.store(config.cookies(), uri, answer);
            guarded.release();
            frames = new FrameReader(in, config.maxMessageBytes());
        } catch (IOException | RuntimeException e) {
            closeRaw();
            readerDone.countDown();
            writerDone.countDown();
            finish(0, null, aborted ? new IOException("aborted by the client", e) : e);
            return;
        }
        startWriter(socket);
        opened = true;
        boolean answering = false;
        try {
            listener.onOpen(this, answer);
            Handler handler = new Handler();
            while (!closeReceived && frames.readFrame(handler)) {
                // each frame reports itself through the handler
            }
            if (!closeReceived) {
                finish(WsProtocol.CLOSE_ABNORMAL, "the connection ended without a close frame", null);
            }
        } catch (WsProtocolException e) {
            if (closeSent.compareAndSet(false, true)) {
                enqueue(FrameWriter.close(e.closeCode(), e.getMessage()), false); // tell the server why
                answering = true;
            }
            finish(0, null, e);
        } catch (EOFException e) {
            finish(WsProtocol.CLOSE_ABNORMAL, e.getMessage(), null);
        } catch (IOException | RuntimeException e) {
            IOException w = writeError;
            finish(0, null, aborted ? new IOException("aborted by the client", e) : w != null ? w : e);
        } finally {
            readerDone.countDown();
            outbox.add(STOP);
            if (closeReceived || answering) {
                awaitQuietly(writerDone); // the writer sends our close frame first; bounded by the grace
            }
            closeRaw();
        }
    }

    private void register(Socket socket) throws IOException {
        synchronized (rawLock) {
            if (aborted) {
                throw new IOException("aborted by the client");
            }
            raw = socket;
        }
    }

    /** Any thread. Closes the TCP connection: a blocked read or write returns with an exception at once. */
    private void closeRaw() {
        Socket s;
        synchronized (rawLock) {
            s = raw;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closed is closed
            }
        }
    }

    /** Reports the one terminal event; reader thread only. */
    private void finish(int code, String reason, Throwable error) {
        if (finished.compareAndSet(false, true)) {
            if (error != null) {
                listener.onFailure(this, error);
            } else {
                listener.onClosed(this, code, reason);
            }
        }
    }

    private final class Handler implements FrameReader.Handler {
        @Override
        public void onText(String text) {
            listener.onText(WebSocket.this, text);
        }

        @Override
        public void onBinary(int length) {
            listener.onBinary(WebSocket.this, length);
        }

        @Override
        public void onPing(byte[] payload) throws IOException {
            if (!enqueue(FrameWriter.pong(payload), true) && !closeSent.get()) {
                throw new IOException("more than " + config.maxQueuedBytes() + " bytes wait to be written: the server"
                        + " does not read");
            }
        }

        @Override
        public void onPong(byte[] payload) {
            // unsolicited or not, a pong needs nothing
        }

        @Override
        public void onClose(int code, String reason) {
            closeReceived = true;
            if (closeSent.compareAndSet(false, true)) {
                enqueue(FrameWriter.close(code, reason), false); // the answer RFC 6455 asks for
            }
            finish(code, reason, null); // at once: the answer's write does not delay the report
        }
    }

    // ---- writer thread ----

    private void startWriter(Socket socket) {
        Thread t = new Thread(() -> write(socket), name + "-write");
        t.setDaemon(true);
        t.start();
    }

    private void write(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                byte[] frame = outbox.take();
                if (frame == STOP) {
                    return;
                }
                out.write(frame);
                queuedBytes.addAndGet(-frame.length);
                if ((frame[0] & WsProtocol.OPCODE) == WsProtocol.OP_CLOSE) {
                    // Nothing goes after a close. Give the server the grace to answer, then hang up.
                    if (!readerDone.await(config.closeGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                        closeRaw();
                    }
                    return;
                }
            }
        } catch (IOException e) {
            writeError = e;
            closeRaw(); // so that the reader returns now and reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writerDone.countDown();
        }
    }

    private void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(config.closeGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                closeRaw();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The socket's input, with every read bounded by the connect deadline until {@link #release}. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private Dialer.Deadline deadline;

        DeadlineInput(Socket socket, InputStream in, Dialer.Deadline deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        void release() throws IOException {
            deadline = null;
            socket.setSoTimeout(0);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (deadline != null) {
                socket.setSoTimeout(deadline.remainingMs());
            }
            return in.read(b, off, len);
        }
    }
}
