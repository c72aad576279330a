package io.chorus.bench.scenario;

import io.chorus.bench.BenchOptions;
import io.chorus.bench.load.ConnectReport;
import io.chorus.bench.load.Counts;
import io.chorus.bench.load.Fleet;
import io.chorus.bench.load.StepSpec;
import io.chorus.bench.proc.CoreStats;
import io.chorus.bench.publish.KafkaFloor;
import io.chorus.bench.publish.PacedLoop;
import io.chorus.bench.publish.Publisher;
import io.chorus.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A rate sweep: N subscribers over C channels; for each rate, publish round-robin over the channels
 * for a warm-up, then a measured window, then stop and let the last messages drain. Per step:
 * deliveries per second in the window, end-to-end latency of the messages sent in the window, loss
 * (expected unique deliveries that never came), duplicates, and CPU per process. The sweep stops after
 * the first step whose p99 passes {@code --stop-p99-ms} or whose loss passes {@code --stop-loss}, once
 * {@code --min-steps} were run.
 */
public final class Sweep {

    private Sweep() {
    }

    public static Report run(String scenario, BenchOptions o, String transport, int defaultSubscribers,
                             int defaultChannels, String defaultPrefix) {
        Setup s = new Setup(o, transport, defaultSubscribers, defaultChannels, 1, defaultPrefix, false, 200);
        List<Double> rates = o.numbers("rates", "");
        if (rates.isEmpty()) {
            // Rates that aim at these deliveries per second (each message reaches N * perConn / C subscriptions).
            double fanout = (double) s.plan.count() * s.plan.perConn() / s.plan.channels();
            for (double d : o.numbers("deliveries", "25000,50000,100000,200000,400000,800000")) {
                rates.add(Math.max(1, Math.round(d / fanout * 10) / 10.0));
            }
        }
        double warmup = o.number("warmup", 5);
        double window = o.number("duration", 20);
        double drain = o.number("drain", 5);
        double stopP99 = o.number("stop-p99-ms", 50);
        double stopLoss = o.number("stop-loss", 0.01);
        // With many subscribers one message already takes longer than the bound to reach them all on
        // one core, so the first step can pass it: run a few steps anyway to show the trend.
        int minSteps = o.integer("min-steps", 3);
        // The machine may be shared: a step during which other work took more than this share of the
        // server's or the client's core is measured again (once by default) after the machine calmed.
        double noisy = o.number("noisy-percent", 15);
        int retries = o.integer("noisy-retries", 1);
        Report report = new Report(scenario, s.target).put("setup", s.describe());
        List<Map<String, Object>> steps = new ArrayList<>();
        report.put("steps", steps);
        long[] perChannel = s.plan.subscriptionsPerChannel();
        try (Fleet fleet = s.fleet()) {
            Setup.log("connecting %d %s subscribers to %s:%d (%d channels)", s.plan.count(), transport, s.plan.host(),
                    s.plan.port(), s.plan.channels());
            ConnectReport cr = fleet.connect(false, Duration.ofSeconds(o.integer("connect-timeout", 120)));
            report.put("connect", cr);
            Setup.log("connected: %s", cr);
            if (cr.ready() == 0) {
                report.put("error", "no subscriber could connect: " + fleet.failureSamples());
                return report;
            }
            boolean floor = s.target.equals("chorus") && Boolean.parseBoolean(o.str("kafka-floor", "true"));
            try (Publisher pub = Publisher.of(s.publishTarget);
                 KafkaFloor probe = floor ? new KafkaFloor(s.publishTarget.endpoint(),
                         "chorus." + s.plan.prefix().substring(0, s.plan.prefix().indexOf(':')), s.epoch) : null) {
                report.put("publisher", pub.describe());
                PacedLoop loop = new PacedLoop(pub, s.plan.channels(), s.epoch);
                Setup.sleep(1);
                // What the servers burn with every subscriber connected and nothing published
                // (heartbeats, Kafka polling, timers): the fixed cost under the per-delivery figures.
                double idle = o.number("baseline", 5);
                // --baseline-settle: let the connection ramp's work (JIT, GC) end before measuring.
                Setup.sleep(o.number("baseline-settle", 0));
                Map<String, Long> b0 = s.servers.cpuTicks();
                long tb = System.nanoTime();
                Setup.sleep(idle);
                report.put("idleCpu", CpuWindow.between(b0, s.servers.cpuTicks(), (System.nanoTime() - tb) / 1e9, 0));
                // A fresh JVM spends its first tens of seconds compiling (the JIT took a fifth to a third
                // of the gateway's CPU in short profiled runs): publish at the first rate, unmeasured,
                // so that the steps measure compiled code. Every target gets the same.
                double serverWarmup = o.number("server-warmup", 20);
                if (serverWarmup > 0 && !rates.isEmpty()) {
                    Setup.log("server warm-up: %.0f s at %.1f msg/s, not measured", serverWarmup, rates.get(0));
                    fleet.startStep(new StepSpec(0, loop.nextSeq(), null));
                    loop.start(rates.get(0));
                    Setup.sleep(serverWarmup);
                    loop.stop();
                    pub.flush(Duration.ofSeconds(10));
                    Setup.sleep(drain);
                }
                int id = 0;
                for (double rate : rates) {
                    ++id;
                    Map<String, Object> step = step(s, fleet, pub, probe, loop, id, rate, warmup, window, drain,
                            perChannel);
                    List<Object> noisyAttempts = new ArrayList<>();
                    for (int k = 0; k < retries && isNoisy(step, noisy); k++) {
                        noisyAttempts.add(step.get("otherLoadPercent"));
                        Setup.log("step %d disturbed by other work %s: waiting for quiet, then again", id,
                                step.get("otherLoadPercent"));
                        Setup.sleep(drain);
                        io.chorus.bench.proc.CoreStats.awaitQuiet(20, 60);
                        step = step(s, fleet, pub, probe, loop, id, rate, warmup, window, drain, perChannel);
                    }
                    if (!noisyAttempts.isEmpty()) {
                        step.put("earlierAttemptsOtherLoad", noisyAttempts);
                    }
                    steps.add(step);
                    Setup.log("step %s", Report.json(step).replaceAll("\\s+", " "));
                    String gone = s.servers.missing();
                    if (gone != null) {
                        report.put("error", "server process ended: " + gone);
                        break;
                    }
                    Object p99Value = ((Map<?, ?>) step.get("latencyMs")).get("p99");
                    double p99 = p99Value == null ? 0.0 : ((Number) p99Value).doubleValue();
                    double loss = ((Number) step.get("lossRatio")).doubleValue();
                    step.put("withinBounds", p99 <= stopP99 && loss <= stopLoss);
                    if ((p99 > stopP99 || loss > stopLoss) && id >= minSteps) {
                        report.put("stoppedBecause", p99 > stopP99 ? "p99 " + p99 + " ms > " + stopP99 + " ms"
                                : "loss ratio " + loss + " > " + stopLoss);
                        break;
                    }
                }
                report.put("publisher", pub.describe());
                // The idle cost again, on warmed-up servers (the first window follows the connection
                // ramp, while the JIT still compiles): what 1,000 quiet viewers cost between bursts.
                double idleEnd = o.number("idle-end", 0);
                if (idleEnd > 0) {
                    Setup.sleep(drain);
                    Setup.log("idle window after the steps: %.0f s with nothing published", idleEnd);
                    Map<String, Long> e0 = s.servers.cpuTicks();
                    Map<String, long[]> c0 = io.chorus.bench.proc.CoreStats.sample();
                    long te = System.nanoTime();
                    Setup.sleep(idleEnd);
                    double secs = (System.nanoTime() - te) / 1e9;
                    report.put("idleCpuEnd", CpuWindow.between(e0, s.servers.cpuTicks(), secs, 0));
                    report.put("idleEndCores", io.chorus.bench.proc.CoreStats.between(c0,
                            io.chorus.bench.proc.CoreStats.sample()));
                    report.put("idleEndOpen", fleet.counts().open());
                }
            }
            report.put("closeCodes", fleet.closeCodes());
            report.put("failureSamples", fleet.failureSamples());
        }
        return report;
    }

    private static boolean isNoisy(Map<String, Object> step, double percent) {
        Map<?, ?> other = (Map<?, ?>) step.get("otherLoadPercent");
        for (Object v : other.values()) {
            if (((Number) v).doubleValue() > percent) {
                return true;
            }
        }
        return false;
    }

    /**
     * Core time that neither the servers (on the server core) nor the load generator (on the client
     * core) used: other work on the machine during the window. Large values make the step suspect.
     */
    static Map<String, Object> otherLoad(Setup s, Map<String, Object> cores, Map<?, ?> cpu) {
        double serverUse = ((Number) ((Map<?, ?>) cpu.get("server")).get("corePercent")).doubleValue();
        double clientUse = ((Number) ((Map<?, ?>) cpu.get("loadgen")).get("corePercent")).doubleValue();
        return CoreStats.otherLoad(cores, s.serverCpu, s.clientCpu, serverUse, clientUse);
    }

    private static Map<String, Object> step(Setup s, Fleet fleet, Publisher pub, KafkaFloor probe, PacedLoop loop,
                                            int id, double rate, double warmup, double window, double drain,
                                            long[] perChannel) {
        StepSpec spec = new StepSpec(id, loop.nextSeq(), null);
        fleet.startStep(spec);
        long errors0 = pub.errors();
        Counts start = fleet.counts();
        loop.start(rate);
        Setup.sleep(warmup);
        Map<String, Long> cpu0 = s.servers.cpuTicks();
        Map<String, long[]> cores0 = io.chorus.bench.proc.CoreStats.sample();
        Counts c0 = fleet.counts();
        long t0 = System.nanoTime();
        fleet.measureFrom(t0 - s.epoch);
        if (probe != null) {
            probe.measureFrom(t0 - s.epoch);
        }
        Setup.sleep(window);
        Map<String, Long> cpu1 = s.servers.cpuTicks();
        Map<String, long[]> cores1 = io.chorus.bench.proc.CoreStats.sample();
        Counts c1 = fleet.counts();
        long t1 = System.nanoTime();
        long sent = loop.stop();
        double achieved = loop.achievedRate();
        pub.flush(Duration.ofSeconds(10));
        long[] end = loop.nextSeq();
        long expected = 0;
        for (int c = 0; c < end.length; c++) {
            expected += (end[c] - spec.base()[c]) * perChannel[c];
        }
        long deadline = System.nanoTime() + (long) (drain * 1e9);
        Counts last = fleet.counts();
        while (last.unique() < expected && System.nanoTime() < deadline) {
            Setup.sleep(0.1);
            last = fleet.counts();
        }
        Histogram latency = fleet.latency();
        Histogram first = fleet.firstDelivery();
        double seconds = (t1 - t0) / 1e9;
        long deliveries = c1.deliveries() - c0.deliveries();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", id);
        m.put("rate", rate);
        m.put("publishedPerSecond", CpuWindow.round(achieved, 1));
        m.put("published", sent);
        m.put("publishErrors", pub.errors() - errors0);
        m.put("windowSeconds", CpuWindow.round(seconds, 3));
        m.put("deliveriesPerSecond", Math.round(deliveries / seconds));
        m.put("latencyMs", Report.millis(latency));
        m.put("firstDeliveryLatencyMs", Report.millis(first));
        if (probe != null) {
            m.put("kafkaFloorLatencyMs", Report.millis(probe.window()));
        }
        m.put("expected", expected);
        m.put("received", last.unique());
        m.put("lost", expected - last.unique());
        m.put("lossRatio", expected == 0 ? 0.0 : CpuWindow.round((double) (expected - last.unique()) / expected, 6));
        m.put("duplicates", last.dups());
        m.put("stale", last.stale());
        m.put("openConnections", last.open());
        m.put("closedDuringStep", last.closedUnexpectedly() - start.closedUnexpectedly());
        m.put("cpu", CpuWindow.between(cpu0, cpu1, seconds, deliveries));
        // Whole-machine core use in the window: more than the processes above means other work ran.
        Map<String, Object> cores = io.chorus.bench.proc.CoreStats.between(cores0, cores1);
        m.put("cores", cores);
        m.put("otherLoadPercent", otherLoad(s, cores, (Map<?, ?>) m.get("cpu")));
        // A load generator near a full core measures its own queueing as much as the server's.
        double loadgen = ((Number) ((Map<?, ?>) ((Map<?, ?>) m.get("cpu")).get("loadgen")).get("corePercent")).doubleValue();
        m.put("loadgenSaturated", loadgen >= 90.0);
        m.put("loadAverage", io.chorus.bench.proc.CoreStats.loadAverage());
        return m;
    }
}
