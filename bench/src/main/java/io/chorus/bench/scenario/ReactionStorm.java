package io.chorus.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.bench.BenchOptions;
import io.chorus.bench.engage.CommandLog;
import io.chorus.bench.engage.Display;
import io.chorus.bench.engage.JoinApi;
import io.chorus.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Reaction storm (issue 12): N participants join, then each reacts {@code --per-participant} times a
 * second (2), round-robin over the event's emoji, for {@code --warmup} + {@code --duration} seconds.
 * Measured over the duration: reactions the gateway acknowledged and ingest applied (its
 * {@code chorus_ingest_commands_total} for {@code react}, scraped from its {@code /metrics}), server
 * CPU per applied reaction for each process, and how often a screen subscribed to
 * {@code engage:CODE:reactions} received a snapshot. Ingest's per-participant reaction limit must be
 * raised for the run (run.sh sets it), else most reactions are refused {@code rate_limited}.
 */
public final class ReactionStorm {

    private static final String APPLIED = "chorus_ingest_commands_total{outcome=\"ok\",type=\"react\"";
    private static final String REFUSED = "chorus_ingest_refusals_total{";

    private ReactionStorm() {
    }

    public static Report run(BenchOptions o) {
        Report report = EngageSetup.report("reactions");
        try (EngageSetup s = new EngageSetup(o)) {
            Map<String, Object> setup = s.start("Reaction storm");
            report.put("setup", setup);
            if (setup.containsKey("error")) {
                report.put("error", setup.get("error"));
                return report;
            }
            report.put("reactionLimit", o.str("reaction-limit", "(not stated)"));
            report.put("join", join(s));
            report.put("storm", storm(s));
        } catch (RuntimeException e) {
            report.put("error", e.toString());
            e.printStackTrace();
        }
        return report;
    }

    private static Map<String, Object> join(EngageSetup s) {
        int n = s.participantCount;
        double rate = s.o.number("join-rate", 2000);
        Display event = s.display("engage:" + s.event.code());
        CommandLog log = new CommandLog(n);
        s.participants.use(log);
        s.pace(rate, n / rate, k -> k < n ? new int[] {k, k} : new int[0],
                v -> "{\"type\":\"participant.join\",\"name\":\"Guest " + v + "\"}");
        boolean answered = EngageSetup.awaitAnswers(log, Duration.ofSeconds(120));
        Display.Snapshot all = event.await(0, e -> e.path("participants").asLong() >= n, Duration.ofSeconds(120));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acked", log.ackedCount());
        m.put("errors", log.errorCodes());
        m.put("allAnswered", answered);
        m.put("allCounted", all != null);
        if (all == null) {
            throw new IllegalStateException("the event never counted " + n + " participants");
        }
        Setup.log("%d participants joined", n);
        return m;
    }

    private static Map<String, Object> storm(EngageSetup s) {
        int n = s.participantCount;
        double each = s.o.number("per-participant", 2);
        double rate = n * each;
        double warm = s.o.number("warmup", 10);
        double duration = s.o.number("duration", 30);
        double timeout = s.o.number("settle-timeout", 120);
        Display screen = s.display("engage:" + s.event.code() + ":reactions");
        JsonNode ev = s.display("engage:" + s.event.code()).await(0, e -> e.has("reactions"), Duration.ofSeconds(30))
                .data();
        List<String> emoji = new ArrayList<>();
        ev.path("reactions").forEach(e -> emoji.add(e.asText()));
        if (emoji.isEmpty()) {
            throw new IllegalStateException("the event offers no reactions: " + ev);
        }
        long capacity = (long) Math.ceil(rate * (warm + duration)) + 16;
        if (capacity > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("too many reactions for one run: " + capacity);
        }
        CommandLog log = new CommandLog((int) capacity);
        s.participants.use(log);
        // Participant k % n sends; each reacts every n / rate seconds, in the same order every round.
        java.util.function.IntFunction<int[]> pick = k -> new int[] {k % n, (k / n + k) % emoji.size()};
        java.util.function.IntFunction<String> data = v -> "{\"type\":\"react\",\"emoji\":\"" + emoji.get(v) + "\"}";
        Setup.log("reactions: %d participants x %.1f/s = %.0f/s, %.0f s warm-up + %.0f s measured", n, each, rate,
                warm, duration);
        s.pace(rate, warm, pick, data);
        int snaps0 = screen.count();
        double applied0 = JoinApi.metric(s.api, APPLIED);
        double refused0 = JoinApi.metric(s.api, REFUSED);
        long reserved0 = log.reserved();
        long acked0 = log.ackedCount();
        long from = System.nanoTime() - s.epoch;
        EngageSetup.Mark mark = s.mark();
        s.pace(rate, duration, pick, data);
        long to = System.nanoTime() - s.epoch;
        double applied1 = JoinApi.metric(s.api, APPLIED);
        double refused1 = JoinApi.metric(s.api, REFUSED);
        long acked1 = log.ackedCount();
        int snapsInWindow = screen.count() - snaps0;
        long appliedInWindow = (long) (applied1 - applied0);
        // Per reaction the gateway acknowledged: when ingest falls behind, what it applied in the window
        // is fewer than what the gateway and the broker carried (ingest's own figure is given too).
        Map<String, Object> window = s.window(mark, log.ackedCount() - acked0, "Reaction");
        long sentInWindow = log.reserved() - reserved0;
        boolean answered = EngageSetup.awaitAnswers(log, Duration.ofSeconds((long) timeout));

        // Drain: until the screen's total equals every reaction ingest applied in the run.
        long ackedAll = log.ackedCount();
        double appliedEnd = Double.NaN;
        Display.Snapshot settled = null;
        long deadline = System.nanoTime() + (long) (timeout * 1e9);
        while (System.nanoTime() < deadline) {
            appliedEnd = JoinApi.metric(s.api, APPLIED);
            List<Display.Snapshot> snaps = screen.snapshots();
            if (!snaps.isEmpty() && total(snaps.get(snaps.size() - 1).data()) == (long) appliedEnd
                    && appliedEnd + JoinApi.metric(s.api, REFUSED) - refused0 >= ackedAll) {
                settled = snaps.get(snaps.size() - 1);
                break;
            }
            Setup.sleep(0.1);
        }
        Histogram ack = new Histogram(3);
        for (int i = 0; i < log.reserved(); i++) {
            if (log.offset(i) >= 0 && log.sentAt(i) >= from && log.sentAt(i) < to) {
                ack.recordValue(Math.max(0, (log.answeredAt(i) - log.sentAt(i)) / 1000));
            }
        }
        double seconds = (to - from) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("perParticipantPerSecond", each);
        m.put("rateAsked", rate);
        m.put("warmupSeconds", warm);
        m.put("durationSeconds", duration);
        m.put("emoji", emoji);
        m.put("sentInWindow", sentInWindow);
        m.put("sentPerSecond", CpuWindow.round(sentInWindow / seconds, 1));
        m.put("ackedInWindow", acked1 - acked0);
        m.put("ackedPerSecond", CpuWindow.round((acked1 - acked0) / seconds, 1));
        m.put("appliedInWindow", appliedInWindow);
        m.put("appliedPerSecond", CpuWindow.round(appliedInWindow / seconds, 1));
        m.put("refusedInWindow", (long) (refused1 - refused0));
        m.put("ingestAppliedAtWindowStartAndEnd", List.of(applied0, applied1));
        Object ingestEntry = ((Map<?, ?>) window.get("cpu")).get("ingest");
        Object ingestCpu = ingestEntry == null ? null : ((Map<?, ?>) ingestEntry).get("cpuSeconds");
        m.put("ingestUsPerAppliedReaction", appliedInWindow > 0 && ingestCpu != null
                ? CpuWindow.round(((Number) ingestCpu).doubleValue() * 1e6 / appliedInWindow, 1) : null);
        m.put("ackMs", Report.millis(ack));
        m.put("errors", log.errorCodes());
        m.put("allAnswered", answered);
        m.put("sent", log.reserved());
        m.put("acked", ackedAll);
        m.put("appliedTotal", appliedEnd);
        m.put("screenTotal", settled == null ? null : total(settled.data()));
        m.put("screenCaughtUpAfterSendingStoppedMs", settled == null ? null : (settled.rel() - to) / 1e6);
        m.put("screenSnapshotsInWindow", snapsInWindow);
        m.put("screenSnapshotsPerSecond", CpuWindow.round(snapsInWindow / seconds, 2));
        m.put("snapshotsOutOfOrder", screen.outOfOrder());
        m.put("window", window);
        Setup.log("reactions: sent %.0f/s, acked %.0f/s, applied %.0f/s; screen %.2f snapshots/s",
                sentInWindow / seconds, (acked1 - acked0) / seconds, appliedInWindow / seconds, snapsInWindow / seconds);
        return m;
    }

    private static long total(JsonNode snapshot) {
        long t = 0;
        for (JsonNode v : snapshot.path("total")) {
            t += v.asLong();
        }
        return t;
    }
}
