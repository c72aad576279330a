package io.chorus.bench.publish;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A request/answer protocol over one TCP connection, pipelined: the pacing thread writes requests
 * and flushes each one at once, a reader thread consumes the answers in order and counts them.
 */
abstract class PipelinedSocket implements Publisher {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final Thread reader;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private long written;
    private volatile String lastError;
    private volatile boolean closing;

    PipelinedSocket(String host, int port, String name) {
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("connecting to " + name + " at " + host + ":" + port, e);
        }
        reader = new Thread(this::readLoop, "bench-" + name + "-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Writes one request to {@code out} (not flushed). */
    abstract void write(OutputStream out, int channel, long sentRel, long seq) throws IOException;

    /** Reads one answer; returns null when it was a success, else what went wrong. */
    abstract String readAnswer(InputStream in) throws IOException;

    @Override
    public final void publish(int channel, long sentRel, long seq) {
        try {
            write(out, channel, sentRel, seq);
            out.flush();
            written++;
        } catch (IOException e) {
            errors.incrementAndGet();
            lastError = e.toString();
        }
    }

    private void readLoop() {
        try {
            while (!closing) {
                String problem = readAnswer(in);
                if (problem != null) {
                    errors.incrementAndGet();
                    lastError = problem;
                }
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            if (!closing) {
                lastError = "reading answers: " + e;
            }
        }
    }

    @Override
    public final void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered.get() < written && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public final long answered() {
        return answered.get();
    }

    @Override
    public final long errors() {
        return errors.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public final void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        throw new java.io.EOFException("connection closed");
    }
}
