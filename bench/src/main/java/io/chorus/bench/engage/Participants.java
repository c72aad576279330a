package io.chorus.bench.engage;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;

/**
 * N participants of one event, each its own socket with its own token ({@code sub} = participant id),
 * publishing commands on {@code engage-in:CODE}. Each command is an entry of a {@link CommandLog}
 * (its index is the publish's {@code ref}); a participant is "in flight" from a send until its
 * answer, and counts the commands the gateway acknowledged.
 */
public final class Participants {

    private final String code;
    private final String channel;
    private final String runId;
    private final List<EngageSocket> sockets = new ArrayList<>();
    private final AtomicIntegerArray inFlight;
    private final AtomicIntegerArray accepted;
    private final long epoch;
    private volatile CommandLog log;
    private volatile int phase;

    public Participants(Crowd crowd, Tokens tokens, String code, int n, long seed) {
        this.code = code;
        this.channel = "engage-in:" + code;
        this.runId = Long.toString(seed & 0xffffff, 36);
        this.epoch = crowd.epoch();
        this.inFlight = new AtomicIntegerArray(n);
        this.accepted = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            int who = i;
            sockets.add(crowd.socket(tokens.participant(code, id(seed, i), 4 * 3600), new EngageSocket.Listener() {
                @Override
                public void frame(String type, JsonNode f, long rel) {
                    answer(who, type, f, rel);
                }
            }));
        }
    }

    /** Participant {@code i}'s id: {@code p-} and 16 hex digits, as the join API makes them. */
    public static String id(long seed, int i) {
        return String.format("p-%016x", (seed << 24) ^ i);
    }

    public int size() {
        return sockets.size();
    }

    public Crowd.Connected connect(Crowd crowd, Duration timeout) {
        return crowd.open(sockets, timeout);
    }

    /** Commands from here on are written to {@code next}. */
    public void use(CommandLog next) {
        this.phase++;
        this.log = next;
    }

    public boolean inFlight(int i) {
        return inFlight.get(i) != 0;
    }

    public int accepted(int i) {
        return accepted.get(i);
    }

    private void answer(int who, String type, JsonNode f, long rel) {
        if (!type.equals("ack") && !(type.equals("error") && f.has("ref"))) {
            return;
        }
        CommandLog l = log;
        int ref;
        try {
            ref = Integer.parseInt(f.path("ref").asText());
        } catch (NumberFormatException e) {
            return;
        }
        if (l == null || ref < 0 || ref >= l.capacity()) {
            return;
        }
        if (type.equals("ack")) {
            l.acked(ref, rel, CommandLog.offsetOf(f.path("position").asText(null)));
            accepted.incrementAndGet(who);
        } else {
            l.failed(ref, rel, f.path("error").asText("unknown"));
        }
        inFlight.set(who, 0);
    }

    /**
     * Sends one command per entry of {@code batch} ({@code [participant, value]}), each participant's
     * on its own event loop, with data {@code data.apply(value)}; the log records the send time as the
     * event loop writes the frame. Entries that do not fit the log are skipped; returns how many fitted.
     */
    public int send(List<int[]> batch, IntFunction<String> data) {
        CommandLog l = log;
        String idPrefix = runId + "-" + phase + "-";
        Map<Context, List<int[]>> byLoop = new IdentityHashMap<>();
        int n = 0;
        for (int[] e : batch) {
            int ix = l.reserve(e[0], e[1]);
            if (ix < 0) {
                break;
            }
            inFlight.set(e[0], 1);
            byLoop.computeIfAbsent(sockets.get(e[0]).context(), k -> new ArrayList<>()).add(new int[] {e[0], e[1], ix});
            n++;
        }
        byLoop.forEach((ctx, list) -> ctx.runOnContext(v -> {
            for (int[] e : list) {
                EngageSocket s = sockets.get(e[0]);
                String ref = Integer.toString(e[2]);
                l.sent(e[2], System.nanoTime() - epoch);
                if (!s.publish(ref, channel, idPrefix + ref, data.apply(e[1]))) {
                    l.failed(e[2], System.nanoTime() - epoch, "socket_closed");
                    inFlight.set(e[0], 0);
                }
            }
        }));
        return n;
    }

    public String code() {
        return code;
    }

    public void close() {
        for (EngageSocket s : sockets) {
            s.context().runOnContext(v -> s.close());
        }
    }
}
