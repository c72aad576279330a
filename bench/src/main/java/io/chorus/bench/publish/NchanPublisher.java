package io.chorus.bench.publish;

import io.chorus.bench.wire.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Nchan's backend path: {@code POST /pub/<channel>} with the JSON payload as the body, HTTP/1.1
 * keep-alive, requests pipelined on one connection (nginx answers them in order).
 */
final class NchanPublisher extends PipelinedSocket {

    private final PublishTarget t;
    private final byte[][] heads;

    NchanPublisher(PublishTarget t) {
        super(t.host(), t.port(), "nchan");
        this.t = t;
        heads = new byte[t.channels()][];
        for (int c = 0; c < t.channels(); c++) {
            heads[c] = ("POST /pub/" + t.channel(c) + " HTTP/1.1\r\nHost: " + t.endpoint()
                    + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Override
    void write(OutputStream out, int channel, long sentRel, long seq) throws IOException {
        byte[] body = Payload.json(sentRel, channel, seq, t.payloadBytes());
        out.write(heads[channel]);
        out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
    }

    @Override
    String readAnswer(InputStream in) throws IOException {
        String status = readLine(in);
        long length = 0;
        boolean chunked = false;
        for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long n = Long.parseLong(readLine(in).trim(), 16); n > 0; n = Long.parseLong(readLine(in).trim(), 16)) {
                skip(in, n);
                readLine(in);
            }
            readLine(in);
        } else {
            skip(in, length);
        }
        String[] parts = status.split(" ");
        return parts.length > 1 && parts[1].startsWith("2") ? null : "nchan answered " + status;
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                k = 1;
            }
            n -= k;
        }
    }

    @Override
    public String describe() {
        return "HTTP POST /pub/<channel> to nginx at " + t.endpoint()
                + (lastError() == null ? "" : "; last error " + lastError());
    }
}
