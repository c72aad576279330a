package io.chorus.bench.scenario;

import io.chorus.bench.BenchOptions;
import io.chorus.bench.load.ConnectReport;
import io.chorus.bench.load.Counts;
import io.chorus.bench.load.Fleet;
import io.chorus.bench.load.StepSpec;
import io.chorus.bench.publish.PacedLoop;
import io.chorus.bench.publish.Publisher;
import io.chorus.bench.report.Report;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Resume storm: N subscribers receive a few live messages (so that they hold message positions),
 * all disconnect, M messages per channel are produced, and all reconnect at once with {@code since}
 * their last position. Measured: time until every subscription received all M messages, per-client
 * catch-up times, and what went wrong: lost (never came), duplicated (came twice after the reconnect,
 * or a message from before the disconnect came again), and {@code resumed:false} answers; and, from
 * the gateway's {@code /metrics}, how the resumes were served (cache or Kafka, catch-up passes and the
 * reads they served, records read). Only for servers whose protocol can resume from a position
 * (Chorus). Misses beyond the cache: {@code --messages} above {@code cache.messagesPerChannel}; inside
 * it: the same with the gateway's cache raised ({@code CHORUS_CACHE_MESSAGES_PER_CHANNEL}).
 */
public final class ResumeStorm {

    private ResumeStorm() {
    }

    public static Report run(BenchOptions o) {
        Setup s = new Setup(o, o.str("transport", "ws"), 1000, 1, 1, "bench:resume-", true, 100_000);
        long messages = o.integer("messages", 1000);
        double liveSeconds = o.number("live-seconds", 3);
        double liveRate = o.number("live-rate", 20);
        double timeout = o.number("catchup-timeout", 120);
        Report report = new Report("resume", s.target).put("setup", s.describe());
        if (!s.target.equals("chorus")) {
            report.put("error", s.target + " has no resume-from-position in its protocol as used here");
            return report;
        }
        long subscriptions = (long) s.plan.count() * s.plan.perConn();
        try (Fleet fleet = s.fleet(); Publisher pub = Publisher.of(s.publishTarget)) {
            ConnectReport first = fleet.connect(false, Duration.ofSeconds(o.integer("connect-timeout", 120)));
            report.put("connect", first);
            Setup.log("connected: %s; %s s of live messages", first, liveSeconds);
            PacedLoop loop = new PacedLoop(pub, s.plan.channels(), s.epoch);
            StepSpec live = new StepSpec(1, loop.nextSeq(), null);
            fleet.startStep(live);
            loop.start(liveRate);
            Setup.sleep(liveSeconds);
            loop.stop();
            pub.flush(Duration.ofSeconds(10));
            Setup.sleep(1);
            report.put("liveReceived", fleet.counts().unique());

            fleet.disconnect(Duration.ofSeconds(60));
            Setup.log("disconnected; producing %d messages per channel", messages);
            long[] base = loop.nextSeq();
            long produced = loop.burst(messages);
            pub.flush(Duration.ofSeconds(60));
            report.put("produced", produced);
            report.put("publishErrors", pub.errors());

            // Before the step starts: the catch-up times count from the step's start.
            Map<String, Double> counters0 = GatewayCounters.scrape(s.plan.host(), s.plan.port());
            long[] expect = new long[s.plan.channels()];
            Arrays.fill(expect, messages);
            fleet.startStep(new StepSpec(2, base, expect));
            Map<String, Long> cpu0 = s.servers.cpuTicks();
            long t0 = System.nanoTime();
            Setup.log("reconnecting %d clients at once with since", s.plan.count());
            ConnectReport again = fleet.connect(true, Duration.ofSeconds((long) timeout));
            long resubscribedMs = (System.nanoTime() - t0) / 1_000_000;
            Counts c = fleet.counts();
            long deadline = t0 + (long) (timeout * 1e9);
            while (c.caughtUp() < subscriptions && System.nanoTime() < deadline) {
                Setup.sleep(0.05);
                c = fleet.counts();
            }
            long allMs = (System.nanoTime() - t0) / 1_000_000;
            Setup.sleep(1);
            c = fleet.counts();
            Map<String, Long> cpu1 = s.servers.cpuTicks();
            report.put("gatewayCounters", GatewayCounters.delta(counters0,
                    GatewayCounters.scrape(s.plan.host(), s.plan.port())));
            report.put("reconnect", again);
            report.put("allResubscribedMs", resubscribedMs);
            report.put("allCaughtUpMs", c.caughtUp() >= subscriptions ? allMs : null);
            report.put("caughtUp", c.caughtUp());
            report.put("subscriptions", subscriptions);
            report.put("catchupMs", Report.millis(fleet.catchup()));
            report.put("expected", subscriptions * messages);
            report.put("received", c.unique());
            report.put("lost", subscriptions * messages - c.unique());
            report.put("duplicatedAfterReconnect", c.dups());
            report.put("redeliveredFromBeforeDisconnect", c.stale());
            report.put("notResumed", c.notResumed());
            report.put("subscribeRetries", c.retries());
            report.put("subscriptionsEndedByServer", c.subscriptionsEnded());
            report.put("cpu", CpuWindow.between(cpu0, cpu1, (System.nanoTime() - t0) / 1e9, c.unique()));
            report.put("closeCodes", fleet.closeCodes());
            report.put("failureSamples", fleet.failureSamples());
        }
        return report;
    }
}
