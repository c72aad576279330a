package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /engage/events/CODE/export?format=csv|json[&activity=ID]} with the event's host token
 * ({@code Authorization: Bearer}, or {@code ?token=} so a browser link can download it). At most
 * {@code engage.maxExports} run at once (more: {@code busy}); each streams from its own worker thread
 * and waits while the client's socket is full, so a slow download holds one thread, not memory.
 */
final class ExportRoute implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExportRoute.class);
    private static final Pattern ACTIVITY = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final ApiConfig config;
    private final Tokens tokens;
    private final EventRegistry registry;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final AuditReader reader;
    private final Semaphore slots;
    private final ExecutorService workers;

    ExportRoute(ApiConfig config, Tokens tokens, EventRegistry registry, MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.tokens = tokens;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.reader = new AuditReader(config);
        this.slots = new Semaphore(config.maxExports());
        // As many threads as slots: a task that got a slot never waits for a thread.
        this.workers = Executors.newFixedThreadPool(config.maxExports(), r -> {
            Thread t = new Thread(r, "engage-api-export");
            t.setDaemon(true);
            return t;
        });
    }

    void handle(RoutingContext ctx) {
        String code = EventCodes.normalize(ctx.pathParam("code"));
        if (code == null) {
            throw ApiError.INVALID_REQUEST.with("the event code must be " + EventCodes.LENGTH + " characters of "
                    + EventCodes.ALPHABET);
        }
        ExportFormat format = ExportFormat.of(ctx.request().getParam("format"));
        if (format == null) {
            throw ApiError.INVALID_REQUEST.with("format must be csv or json");
        }
        String activity = ctx.request().getParam("activity");
        if (activity != null && !ACTIVITY.matcher(activity).matches()) {
            throw ApiError.INVALID_REQUEST.with("activity must be an activity id ([A-Za-z0-9_-]{1,32})");
        }
        authorize(Requests.bearer(ctx, true), code);
        if (!registry.contains(code)) {
            throw ApiError.UNKNOWN_EVENT.with("no event has the code " + code);
        }
        if (!slots.tryAcquire()) {
            throw ApiError.BUSY.with(config.maxExports() + " exports are running; retry shortly");
        }
        Stream stream = new Stream(ctx, ctx.vertx().getOrCreateContext(), format, code, activity);
        try {
            workers.execute(() -> {
                try {
                    stream.run();
                } finally {
                    stream.free();
                }
            });
        } catch (RuntimeException e) {
            stream.free();
            throw ApiError.BUSY.with("the export could not start; retry");
        }
    }

    /** A token signed with the API's secret, not expired, that may publish on the event's host channel. */
    private void authorize(String token, String code) {
        if (token == null || token.isEmpty()) {
            throw ApiError.TOKEN_INVALID.with("the event's host token is required (Authorization: Bearer)");
        }
        JsonNode claims = tokens.verifiedClaims(token);
        if (claims == null) {
            throw ApiError.TOKEN_INVALID.with("the token is malformed or its signature does not verify");
        }
        Long exp = Tokens.expiresAtMs(claims);
        if (exp == null || exp <= clock.millis()) {
            throw ApiError.TOKEN_INVALID.with("the token expired");
        }
        if (!Grants.allows(claims.get("chorus"), "engage-ctl:" + code + ":host", "publish")) {
            throw ApiError.FORBIDDEN.with("only the event's host may export its responses");
        }
    }

    /** One export: the worker reads, the event loop writes; the two meet in {@link #write}. */
    private final class Stream {
        private final RoutingContext ctx;
        private final Context context;
        private final ExportFormat format;
        private final String code;
        private final String activity;
        private final long deadline;
        private final AtomicBoolean freed = new AtomicBoolean();
        // Touched on the event loop only.
        private boolean gone;
        private CompletableFuture<Void> waiting;

        Stream(RoutingContext ctx, Context context, ExportFormat format, String code, String activity) {
            this.ctx = ctx;
            this.context = context;
            this.format = format;
            this.code = code;
            this.activity = activity;
            this.deadline = System.nanoTime() + config.exportTimeout().toNanos();
            HttpServerResponse r = ctx.response();
            r.closeHandler(v -> {
                gone = true;
                if (waiting != null) {
                    waiting.completeExceptionally(new CancellationException("the client went away"));
                }
            });
        }

        /**
         * Gives the export's slot back, once. Before the answer's end is handed to the event loop: a client
         * holding a whole answer may start the next export at once (it used to be told {@code busy} now and
         * then, when the worker had not yet come back from writing the end).
         */
        void free() {
            if (freed.compareAndSet(false, true)) {
                slots.release();
            }
        }

        void run() {
            try {
                AuditReader.Result result = reader.read(code, activity, format, this::write, deadline);
                metrics.counter("chorus_engage_api_export_rows_total").increment(result.rows());
                free();
                context.runOnContext(v -> {
                    if (!gone) {
                        if (result.truncated()) {
                            ctx.response().trailers().set("chorus-truncated", "true");
                        }
                        ctx.response().end();
                        count("ok");
                    }
                });
            } catch (CancellationException e) {
                count("client_gone");
            } catch (Exception e) {
                LOG.warn("export of {} failed: {}", code, e.toString());
                free();
                context.runOnContext(v -> {
                    count(ApiError.KAFKA_UNAVAILABLE.code());
                    Answers.error(ctx, ApiError.KAFKA_UNAVAILABLE, "the responses could not be read from Kafka; retry");
                });
            }
        }

        /** On the worker: hands a chunk to the event loop and waits until the socket can take more. */
        private void write(String chunk) throws Exception {
            CompletableFuture<Void> written = new CompletableFuture<>();
            context.runOnContext(v -> {
                HttpServerResponse r = ctx.response();
                if (gone) {
                    written.completeExceptionally(new CancellationException("the client went away"));
                    return;
                }
                if (!r.headWritten()) {
                    String name = "engage-" + code + (activity == null ? "" : "-" + activity) + "."
                            + format.name().toLowerCase(java.util.Locale.ROOT);
                    r.setChunked(true).putHeader("content-type", format.contentType())
                            .putHeader("content-disposition", "attachment; filename=\"" + name + "\"")
                            .putHeader("cache-control", "no-store").putHeader("trailer", "chorus-truncated")
                            .putHeader("chorus-export-max-rows", String.valueOf(config.maxExportRows()));
                }
                r.write(Buffer.buffer(chunk));
                if (r.writeQueueFull()) {
                    waiting = written;
                    r.drainHandler(d -> {
                        waiting = null;
                        written.complete(null);
                    });
                } else {
                    written.complete(null);
                }
            });
            try {
                written.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof CancellationException c ? c : e;
            } catch (TimeoutException e) {
                throw new TimeoutException("the client did not take the export within " + config.exportTimeout());
            }
        }

        private void count(String result) {
            metrics.counter("chorus_engage_api_requests_total", "route", "export", "result", result).increment();
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
