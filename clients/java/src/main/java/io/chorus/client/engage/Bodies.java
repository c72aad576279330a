package io.chorus.client.engage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Response bodies that never take unbounded memory: JSON answers are read up to a limit (a bigger
 * one fails with {@code network_error}), exports are copied to the caller's stream one chunk at a
 * time (the next chunk is requested after the last one was written, so a slow stream slows the download).
 */
final class Bodies {

    private Bodies() {
    }

    /** The body as UTF-8 text, failing past {@code maxBytes}. */
    static HttpResponse.BodySubscriber<String> text(int maxBytes) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new Sink<>() {
            @Override
            void write(ByteBuffer chunk) throws IOException {
                if (buffer.size() + chunk.remaining() > maxBytes) {
                    throw new IOException("the answer is larger than " + maxBytes + " bytes");
                }
                byte[] bytes = new byte[chunk.remaining()];
                chunk.get(bytes);
                buffer.write(bytes);
            }

            @Override
            String result() {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        };
    }

    /** Copies the body to {@code out}; completes with the number of bytes written. */
    static HttpResponse.BodySubscriber<Long> copy(OutputStream out) {
        return new Sink<>() {
            private long bytes;

            @Override
            void write(ByteBuffer chunk) throws IOException {
                byte[] b = new byte[chunk.remaining()];
                chunk.get(b);
                out.write(b);
                bytes += b.length;
            }

            @Override
            Long result() throws IOException {
                out.flush();
                return bytes;
            }
        };
    }

    /** One chunk list at a time; a failed write cancels the download. */
    private abstract static class Sink<T> implements HttpResponse.BodySubscriber<T> {
        private final CompletableFuture<T> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        abstract void write(ByteBuffer chunk) throws IOException;

        abstract T result() throws IOException;

        @Override
        public CompletionStage<T> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> chunks) {
            try {
                for (ByteBuffer b : chunks) {
                    write(b);
                }
            } catch (IOException | RuntimeException e) {
                subscription.cancel();
                body.completeExceptionally(e);
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            try {
                body.complete(result());
            } catch (IOException | RuntimeException e) {
                body.completeExceptionally(e);
            }
        }
    }
}
