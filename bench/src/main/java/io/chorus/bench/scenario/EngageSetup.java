package io.chorus.bench.scenario;

import io.chorus.bench.BenchOptions;
import io.chorus.bench.engage.CommandLog;
import io.chorus.bench.engage.Crowd;
import io.chorus.bench.engage.Display;
import io.chorus.bench.engage.Host;
import io.chorus.bench.engage.JoinApi;
import io.chorus.bench.engage.Participants;
import io.chorus.bench.engage.Tokens;
import io.chorus.bench.proc.CoreStats;
import io.chorus.bench.proc.ServerProcesses;
import io.chorus.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * What the engagement storms share: the stack's endpoints (gateway, ingest's join API, the HMAC secret
 * and admin key run.sh configured), the event with its host, N connected participants, displays, the
 * pacing of commands, and CPU windows over the named server processes.
 */
final class EngageSetup implements AutoCloseable {

    final BenchOptions o;
    final int participantCount;
    final String api;
    final long seed;
    final ServerProcesses servers;
    final SortedSet<Integer> serverCpu;
    final SortedSet<Integer> clientCpu;
    final Crowd crowd;
    final Tokens tokens;
    final long epoch = System.nanoTime();
    JoinApi.Event event;
    Host host;
    Participants participants;

    EngageSetup(BenchOptions o) {
        this.o = o;
        this.participantCount = o.integer("participants", 10_000);
        this.api = o.str("api", "http://127.0.0.1:28181");
        this.seed = Long.parseLong(o.str("seed", "12"));
        o.str("target", "chorus");
        o.str("publish-endpoint", "");
        String host = o.str("host", "127.0.0.1");
        int port = o.integer("port", 28080);
        int sources = o.integer("source-addresses", Math.max(1, (participantCount + 24_999) / 25_000));
        List<String> addresses = new ArrayList<>();
        for (int i = 0; sources > 1 && i < sources; i++) {
            addresses.add("127.0.0." + (i + 1));
        }
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String p : o.all("pid")) {
            int eq = p.indexOf('=');
            pids.put(p.substring(0, eq), Long.parseLong(p.substring(eq + 1)));
        }
        this.servers = new ServerProcesses(pids);
        this.serverCpu = CoreStats.cpuList(o.str("server-cpu", "0"));
        this.clientCpu = CoreStats.cpuList(o.str("client-cpu", "1"));
        this.tokens = new Tokens(o.str("secret", "chorus-dev-secret-do-not-use-in-production"));
        this.crowd = new Crowd(new Crowd.Plan(host, port, addresses, o.integer("event-loops", 1),
                o.integer("connect-concurrency", 200), epoch), participantCount + 16);
    }

    /** Creates the event through the join API and connects its host and every participant. */
    Map<String, Object> start(String title) {
        Map<String, Object> m = new LinkedHashMap<>();
        event = JoinApi.create(api, o.str("admin-key", "chorus-bench-admin-key"), title);
        Setup.log("event %s created", event.code());
        m.put("event", event.code());
        host = new Host(event.code());
        host.open(crowd, event.hostToken(), Duration.ofSeconds(30));
        participants = new Participants(crowd, tokens, event.code(), participantCount, seed);
        Crowd.Connected c = participants.connect(crowd, Duration.ofSeconds(o.integer("connect-timeout", 180)));
        Setup.log("participants connected: %s", c);
        m.put("participants", participantCount);
        m.put("connect", c);
        m.put("nativeTransport", crowd.nativeTransport());
        m.put("serverPids", servers.pids());
        if (c.failed() > 0) {
            m.put("error", c.failed() + " participants could not connect");
        }
        return m;
    }

    /** A screen on {@code channel}, subscribed with rewind 1. */
    Display display(String channel) {
        Display d = new Display(channel, o.integer("max-snapshots", 100_000));
        d.open(crowd, tokens.participant(event.code(), "display-" + channel.hashCode(), 4 * 3600),
                Duration.ofSeconds(30));
        return d;
    }

    /**
     * Sends commands at {@code rate} per second for {@code seconds} (or until {@code pick} has nothing
     * more: it returns null to skip a beat, or an empty array when done), each {@code [participant,
     * value]} sent with {@code data.apply(value)}. Pacing is by elapsed time, in 1 ms ticks, so a late
     * tick sends what is due. Returns the commands sent.
     */
    long pace(double rate, double seconds, IntFunction<int[]> pick, IntFunction<String> data) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long issued = 0;
        long sent = 0;
        while (true) {
            long now = System.nanoTime();
            long due = Math.min((long) ((now - start) / 1e9 * rate), (long) (seconds * rate));
            List<int[]> batch = new ArrayList<>();
            boolean done = false;
            for (; issued < due; issued++) {
                int[] e = pick.apply((int) issued);
                if (e == null) {
                    continue;
                }
                if (e.length == 0) {
                    done = true;
                    break;
                }
                batch.add(e);
            }
            if (!batch.isEmpty()) {
                int n = participants.send(batch, data);
                sent += n;
                if (n < batch.size()) {
                    done = true;
                }
            }
            if (done || (now >= end && issued >= (long) (seconds * rate))) {
                return sent;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until every command of {@code log} was answered; false after {@code timeout}. */
    static boolean awaitAnswers(CommandLog log, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (log.answered() < log.reserved()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Setup.sleep(0.005);
        }
        return true;
    }

    /**
     * CPU of each named process (seconds, share of a core, microseconds per {@code unit}: {@code units}
     * of them in the window), core use and other load, between {@link #mark()} and now.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> window(Mark m, long units, String unit) {
        double seconds = (System.nanoTime() - m.at) / 1e9;
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("seconds", CpuWindow.round(seconds, 2));
        Map<String, Object> cpu = CpuWindow.between(m.cpu, servers.cpuTicks(), seconds, units);
        // Per vote or per reaction here, not per delivery.
        for (Object e : cpu.values()) {
            Map<String, Object> entry = (Map<String, Object>) e;
            entry.put("usPer" + unit, entry.remove("usPerDelivery"));
        }
        w.put("units", units);
        w.put("cpu", cpu);
        Map<String, Object> cores = CoreStats.between(m.cores, CoreStats.sample());
        w.put("cores", cores);
        double serverUse = ((Number) ((Map<?, ?>) cpu.get("server")).get("corePercent")).doubleValue();
        double clientUse = ((Number) ((Map<?, ?>) cpu.get("loadgen")).get("corePercent")).doubleValue();
        Map<String, Object> other = CoreStats.otherLoad(cores, serverCpu, clientCpu, serverUse, clientUse);
        w.put("otherLoadPercent", other);
        w.put("loadAverage", CoreStats.loadAverage());
        return w;
    }

    /** The start of a measured window. */
    record Mark(long at, Map<String, Long> cpu, Map<String, long[]> cores) {
    }

    Mark mark() {
        return new Mark(System.nanoTime(), servers.cpuTicks(), CoreStats.sample());
    }

    static Report report(String scenario) {
        return new Report(scenario, "chorus");
    }

    @Override
    public void close() {
        if (participants != null) {
            participants.close();
        }
        crowd.close();
    }
}
