package io.chorus.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.bench.BenchOptions;
import io.chorus.bench.engage.CommandLog;
import io.chorus.bench.engage.Display;
import io.chorus.bench.engage.Freshness;
import io.chorus.bench.engage.JoinApi;
import io.chorus.bench.engage.Participants;
import io.chorus.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * Vote storm (issue 12). N participants, each its own socket and token, in one event:
 * <ol>
 * <li><b>warm-up</b> (unmeasured): a two-option poll with {@code allowChange}, {@code --warmup-votes}
 *     (2 N: each participant votes, then changes its vote) at {@code --warmup-rate} (1,000/s), so that the
 *     servers' JIT has compiled both paths;</li>
 * <li><b>burst</b>: a choice poll; all N vote within {@code --burst-seconds} (1), evenly spread; first
 *     {@code --warmup-bursts} (1) times on polls of their own (reported, not the measured burst).
 *     Measured: the time from the last vote sent until a display (a subscriber to
 *     {@code engage:CODE:a:burst}) received a snapshot with the exact tally of every acknowledged
 *     vote;</li>
 * <li><b>sustained</b>: a 20-option poll with {@code allowChange}; {@code --rate} votes per second for
 *     {@code --warmup} + {@code --duration} seconds, each participant moving its vote from option j to
 *     j + 1 (first vote: option 0) only after its previous vote was acknowledged. Measured over the
 *     duration: tally freshness ({@link Freshness}), acks, snapshot rate and server CPU per vote.</li>
 * </ol>
 */
public final class VoteStorm {

    private static final int LIVE_OPTIONS = 20;

    private VoteStorm() {
    }

    public static Report run(BenchOptions o) {
        Report report = EngageSetup.report("votes");
        try (EngageSetup s = new EngageSetup(o)) {
            Map<String, Object> setup = s.start("Vote storm");
            report.put("setup", setup);
            if (setup.containsKey("error")) {
                report.put("error", setup.get("error"));
                return report;
            }
            report.put("warmup", warmup(s));
            // Bursts before the measured one, on polls of their own: the first burst on fresh JVMs is
            // mostly the JIT compiling the burst's path (a long-running deployment has done that).
            List<Map<String, Object>> earlier = new ArrayList<>();
            for (int b = 1; b <= s.o.integer("warmup-bursts", 1); b++) {
                final int n = b;
                earlier.add(withCommits(s, () -> burst(s, "burst-warm-" + n, s.seed + n)));
            }
            report.put("warmupBursts", earlier);
            report.put("burst", withCommits(s, () -> burst(s, "burst", s.seed)));
            report.put("sustained", withCommits(s, () -> sustained(s)));
            // The same burst again on JVMs that have served the sustained phase (about 180,000 votes): what a
            // deployment that has run for a while does. Successive warm-up bursts kept getting faster (5.1,
            // 3.5, 3.2 s, then 2.6 s measured), with the JIT compiler a quarter of ingest's CPU.
            if (s.o.integer("bursts-after", 1) > 0) {
                report.put("burstAfterSustained", withCommits(s, () -> burst(s, "burst-after", s.seed + 100)));
            }
            report.put("goals", goals(report));
            // How ingest's commands reached their event's task (ingest/README.md, "Topology"), the whole run.
            Map<String, Object> paths = new LinkedHashMap<>();
            for (String path : List.of("local", "repartitioned")) {
                paths.put(path, JoinApi.metric(s.api, "chorus_ingest_command_paths_total{path=\"" + path + "\""));
            }
            report.put("ingestCommandPaths", paths);
        } catch (RuntimeException e) {
            report.put("error", e.toString());
            e.printStackTrace();
        }
        return report;
    }

    /**
     * {@code phase}'s report with ingest's transactions over it ({@code ingestCommits}): the commits of
     * its stream threads (Kafka Streams' {@code commit-total}) and the commits its tasks deferred while
     * behind (ingest/README.md, "Commits while behind"). Scraped before and after, outside the phase.
     */
    static Map<String, Object> withCommits(EngageSetup s, java.util.function.Supplier<Map<String, Object>> phase) {
        double commits = JoinApi.metric(s.api, "kafka_stream_thread_commit_total");
        double deferred = JoinApi.metric(s.api, "chorus_ingest_commits_deferred_total");
        Map<String, Object> r = phase.get();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("commits", JoinApi.metric(s.api, "kafka_stream_thread_commit_total") - commits);
        c.put("deferred", JoinApi.metric(s.api, "chorus_ingest_commits_deferred_total") - deferred);
        r.put("ingestCommits", c);
        return r;
    }

    /** Creates a choice poll {@code id} with options o0..o(n-1), opens it, and returns its display once it shows it open. */
    static Display openPoll(EngageSetup s, String id, int options, boolean allowChange) {
        Display d = s.display("engage:" + s.event.code() + ":a:" + id);
        StringBuilder opts = new StringBuilder();
        for (int j = 0; j < options; j++) {
            opts.append(j == 0 ? "" : ",").append("{\"id\":\"o").append(j).append("\",\"label\":\"Option ")
                    .append(j + 1).append("\"}");
        }
        s.host.command("{\"type\":\"activity.create\",\"activity\":\"" + id + "\",\"kind\":\"choice\",\"title\":\""
                + id + "\",\"options\":[" + opts + "],\"allowChange\":" + allowChange + "}");
        s.host.command("{\"type\":\"activity.open\",\"activity\":\"" + id + "\"}");
        if (d.await(0, n -> "open".equals(n.path("state").asText()), Duration.ofSeconds(60)) == null) {
            throw new IllegalStateException("poll " + id + " never showed open on its display (" + d.lastError() + ")");
        }
        return d;
    }

    static String vote(String activity, int option) {
        return "{\"type\":\"poll.vote\",\"activity\":\"" + activity + "\",\"round\":1,\"choices\":[\"o" + option + "\"]}";
    }

    private static Map<String, Object> warmup(EngageSetup s) {
        // Two passes by default: every participant votes, then changes its vote, so that the path of a
        // changed vote (the sustained phase's) is compiled before anything is measured.
        int n = s.participantCount;
        int votes = s.o.integer("warmup-votes", 2 * n);
        double rate = s.o.number("warmup-rate", 1000);
        Display d = openPoll(s, "warm", 2, true);
        CommandLog log = new CommandLog(votes);
        s.participants.use(log);
        Setup.log("warm-up: %d votes at %.0f/s", votes, rate);
        s.pace(rate, votes / rate, k -> k < votes ? new int[] {k % n, (k / n) % 2} : new int[0], v -> vote("warm", v));
        EngageSetup.awaitAnswers(log, Duration.ofSeconds(60));
        long acked = log.ackedCount();
        // Each participant counts once in `responses`, however often it changed its vote.
        long voters = Math.min(votes, n);
        Display.Snapshot shown = acked < votes ? null
                : d.await(0, x -> x.path("responses").asLong() == voters, Duration.ofSeconds(60));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("votes", votes);
        m.put("rate", rate);
        m.put("acked", acked);
        m.put("errors", log.errorCodes());
        m.put("allShown", shown != null);
        return m;
    }

    private static Map<String, Object> burst(EngageSetup s, String poll, long seed) {
        int n = s.participantCount;
        int options = s.o.integer("options", 4);
        double seconds = s.o.number("burst-seconds", 1);
        double timeout = s.o.number("settle-timeout", 60);
        int[] choice = new int[n];
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            choice[i] = random.nextInt(options);
        }
        Display d = openPoll(s, poll, options, false);
        int before = d.count();
        CommandLog log = new CommandLog(n);
        s.participants.use(log);
        Setup.sleep(1);
        Setup.log("burst (%s): %d votes within %.1f s", poll, n, seconds);
        EngageSetup.Mark mark = s.mark();
        s.pace(n / seconds, seconds, k -> k < n ? new int[] {k, choice[k]} : new int[0], v -> vote(poll, v));
        boolean answered = EngageSetup.awaitAnswers(log, Duration.ofSeconds((long) timeout));
        long firstSent = Long.MAX_VALUE;
        long lastSent = Long.MIN_VALUE;
        long lastAck = Long.MIN_VALUE;
        long[] expected = new long[options];
        Histogram ack = new Histogram(3);
        for (int i = 0; i < log.reserved(); i++) {
            firstSent = Math.min(firstSent, log.sentAt(i));
            lastSent = Math.max(lastSent, log.sentAt(i));
            if (log.offset(i) >= 0) {
                expected[log.value(i)]++;
                lastAck = Math.max(lastAck, log.answeredAt(i));
                ack.recordValue(Math.max(0, (log.answeredAt(i) - log.sentAt(i)) / 1000));
            }
        }
        long acked = log.ackedCount();
        Display.Snapshot exact = d.await(before, snap -> acked > 0 && snap.path("responses").asLong() == acked
                && countsEqual(snap.path("results").path("counts"), expected), Duration.ofSeconds((long) timeout));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("votes", log.reserved());
        m.put("acked", acked);
        m.put("errors", log.errorCodes());
        m.put("allAnswered", answered);
        m.put("sendSpreadMs", (lastSent - firstSent) / 1e6);
        m.put("ackMs", Report.millis(ack));
        m.put("lastAckAfterLastVoteMs", (lastAck - lastSent) / 1e6);
        Map<String, Long> exp = new LinkedHashMap<>();
        for (int j = 0; j < options; j++) {
            exp.put("o" + j, expected[j]);
        }
        m.put("expectedCounts", exp);
        m.put("exactTallyShown", exact != null);
        m.put("exactTallyAfterLastVoteMs", exact == null ? null : (exact.rel() - lastSent) / 1e6);
        m.put("snapshotsDuringBurst", d.count() - before);
        m.put("snapshotsOutOfOrder", d.outOfOrder());
        List<Display.Snapshot> snaps = d.snapshots();
        Display.Snapshot last = snaps.get(snaps.size() - 1);
        m.put("lastSnapshot", last.data());
        // Where the time to the exact tally goes: each snapshot of the burst's poll as it arrived, with the
        // votes it counted and how long it took from ingest's render (its record time) to the display.
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (Display.Snapshot snap : snaps.subList(before, snaps.size())) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("arrivedAfterLastVoteMs", Math.round((snap.rel() - lastSent) / 1e5) / 10.0);
            t.put("responses", snap.data().path("responses").asLong());
            t.put("renderToArrivalMs", snap.recordTime() < 0 ? null : snap.arrivalWallMs() - snap.recordTime());
            timeline.add(t);
        }
        m.put("timeline", timeline);
        m.put("window", s.window(mark, acked, "Vote"));
        Setup.log("burst (%s): %d acked, exact tally on the display %s ms after the last vote", poll, acked,
                m.get("exactTallyAfterLastVoteMs"));
        return m;
    }

    static boolean countsEqual(JsonNode counts, long[] expected) {
        for (int j = 0; j < expected.length; j++) {
            if (counts.path("o" + j).asLong(-1) != expected[j]) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> sustained(EngageSetup s) {
        int n = s.participantCount;
        double rate = s.o.number("rate", 2000);
        double warm = s.o.number("warmup", 10);
        double duration = s.o.number("duration", 60);
        double timeout = s.o.number("settle-timeout", 60);
        long capacity = (long) Math.ceil(rate * (warm + duration)) + 16;
        if (capacity > (long) n * (LIVE_OPTIONS - 1)) {
            throw new IllegalArgumentException("--rate x (--warmup + --duration) = " + capacity + " votes is more than "
                    + n + " participants can cast moving through " + LIVE_OPTIONS + " options; lower the rate or the"
                    + " duration, or add participants");
        }
        Display d = openPoll(s, "live", LIVE_OPTIONS, true);
        Participants p = s.participants;
        int[] base = new int[n];
        for (int i = 0; i < n; i++) {
            base[i] = p.accepted(i);
        }
        CommandLog log = new CommandLog((int) capacity);
        p.use(log);
        int[] cursor = {0};
        long[] skipped = {0};
        java.util.function.IntFunction<int[]> pick = k -> {
            // The next participant, round-robin, whose previous vote is acknowledged.
            for (int tries = 0; tries < n; tries++) {
                int i = cursor[0];
                cursor[0] = (i + 1) % n;
                int v = p.accepted(i) - base[i];
                if (!p.inFlight(i) && v < LIVE_OPTIONS - 1) {
                    return new int[] {i, v};
                }
            }
            skipped[0]++;
            return null;
        };
        Setup.log("sustained: %.0f votes/s, %.0f s warm-up + %.0f s measured", rate, warm, duration);
        s.pace(rate, warm, pick, v -> vote("live", v));
        int snapsBefore = d.count();
        long from = System.nanoTime() - s.epoch;
        EngageSetup.Mark mark = s.mark();
        long reservedBefore = log.reserved();
        s.pace(rate, duration, pick, v -> vote("live", v));
        long to = System.nanoTime() - s.epoch;
        int snapsInWindow = d.count() - snapsBefore;
        long sentInWindow = log.reserved() - reservedBefore;
        boolean answered = EngageSetup.awaitAnswers(log, Duration.ofSeconds((long) timeout));
        Map<String, Object> window = s.window(mark, sentInWindow, "Vote");

        long[] expected = new long[LIVE_OPTIONS];
        for (int i = 0; i < n; i++) {
            int v = p.accepted(i) - base[i];
            if (v > 0) {
                expected[v - 1]++;
            }
        }
        long acked = log.ackedCount();
        Display.Snapshot exact = d.await(0, snap -> countsEqual(snap.path("results").path("counts"), expected),
                Duration.ofSeconds((long) timeout));

        int m0 = (int) log.reserved();
        List<Long> offsets = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        List<Boolean> measured = new ArrayList<>();
        Histogram ack = new Histogram(3);
        for (int i = 0; i < m0; i++) {
            if (log.offset(i) >= 0) {
                offsets.add(log.offset(i));
                sent.add(log.sentAt(i));
                boolean in = log.sentAt(i) >= from && log.sentAt(i) < to;
                measured.add(in);
                if (in) {
                    ack.recordValue(Math.max(0, (log.answeredAt(i) - log.sentAt(i)) / 1000));
                }
            }
        }
        List<Long> arrivals = new ArrayList<>();
        List<Long> progress = new ArrayList<>();
        for (Display.Snapshot snap : d.snapshots()) {
            if (snap.data().path("results").has("counts")) {
                arrivals.add(snap.rel());
                progress.add(Freshness.progress(snap.data().path("results").path("counts"), "o", LIVE_OPTIONS));
            }
        }
        boolean[] meas = new boolean[measured.size()];
        for (int i = 0; i < meas.length; i++) {
            meas[i] = measured.get(i);
        }
        Freshness.Result f = Freshness.compute(offsets.stream().mapToLong(Long::longValue).toArray(),
                sent.stream().mapToLong(Long::longValue).toArray(), meas, arrivals, progress);
        long finalProgress = progress.isEmpty() ? 0 : progress.get(progress.size() - 1);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        m.put("warmupSeconds", warm);
        m.put("durationSeconds", duration);
        m.put("votes", m0);
        m.put("acked", acked);
        m.put("errors", log.errorCodes());
        m.put("allAnswered", answered);
        m.put("votesInWindow", sentInWindow);
        m.put("votesPerSecond", CpuWindow.round(sentInWindow / ((to - from) / 1e9), 1));
        m.put("beatsWithoutAFreeParticipant", skipped[0]);
        m.put("ackMs", Report.millis(ack));
        m.put("freshnessMs", Report.millis(f.micros()));
        m.put("freshnessVotes", f.measured());
        // Per second of the window (by send time): the votes' p50 and max freshness, in ms.
        m.put("freshnessPerSecondP50MaxMs", f.perSecond().stream()
                .map(h -> h.getTotalCount() == 0 ? List.of() : List.of(h.getValueAtPercentile(50) / 1000, h.getMaxValue() / 1000))
                .toList());
        m.put("neverShown", f.neverShown());
        m.put("progressFell", f.regressions());
        m.put("shownBeforeSent", f.beforeSent());
        // The progress reading holds only if every acknowledged vote was applied: the last snapshot's
        // progress must equal the acknowledged votes.
        m.put("finalProgress", finalProgress);
        m.put("progressMatchesAcked", finalProgress == acked);
        m.put("exactFinalTally", exact != null);
        m.put("finalTallyAfterSendingStoppedMs", exact == null ? null : (exact.rel() - to) / 1e6);
        m.put("snapshotsInWindow", snapsInWindow);
        m.put("snapshotsPerSecond", CpuWindow.round(snapsInWindow / ((to - from) / 1e9), 2));
        m.put("snapshotsOutOfOrder", d.outOfOrder());
        m.put("snapshotTiming", snapshotTiming(d.snapshots(), from, to));
        m.put("window", window);
        Setup.log("sustained: %.0f votes/s; freshness %s; exact final tally %s", sentInWindow / ((to - from) / 1e9),
                m.get("freshnessMs"), exact != null);
        return m;
    }

    /**
     * Where a late snapshot was late, for the snapshots that arrived in the window: the gap between
     * consecutive renders (their record times; ingest renders every publish interval unless its stream
     * thread is busy elsewhere) and the time from render to arrival (the transaction's commit, the
     * gateway's read and the delivery). The five longest of each are listed with the second of the window
     * they ended in.
     */
    static Map<String, Object> snapshotTiming(List<Display.Snapshot> snaps, long from, long to) {
        Histogram gaps = new Histogram(3);
        Histogram delivery = new Histogram(3);
        List<long[]> gapAt = new ArrayList<>();
        List<long[]> deliveryAt = new ArrayList<>();
        Display.Snapshot prev = null;
        for (Display.Snapshot snap : snaps) {
            boolean in = snap.rel() >= from && snap.rel() < to && snap.recordTime() > 0;
            if (in) {
                long second = (snap.rel() - from) / 1_000_000_000L;
                long late = Math.max(0, snap.arrivalWallMs() - snap.recordTime());
                delivery.recordValue(late * 1000); // Report.millis reads microseconds
                deliveryAt.add(new long[] {late, second});
                if (prev != null && prev.recordTime() > 0) {
                    long gap = Math.max(0, snap.recordTime() - prev.recordTime());
                    gaps.recordValue(gap * 1000);
                    gapAt.add(new long[] {gap, second});
                }
            }
            prev = snap;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("renderGapMs", Report.millis(gaps));
        m.put("renderToArrivalMs", Report.millis(delivery));
        m.put("longestRenderGapsMsAtSecond", longest(gapAt));
        m.put("longestRenderToArrivalMsAtSecond", longest(deliveryAt));
        return m;
    }

    private static List<List<Long>> longest(List<long[]> values) {
        return values.stream().sorted((a, b) -> Long.compare(b[0], a[0])).limit(5)
                .map(v -> List.of(v[0], v[1])).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> goals(Report r) {
        Map<String, Object> burst = (Map<String, Object>) r.get("burst");
        Map<String, Object> sus = (Map<String, Object>) r.get("sustained");
        Map<String, Object> g = new LinkedHashMap<>();
        Object after = burst.get("exactTallyAfterLastVoteMs");
        g.put("burstExactWithin1s", Boolean.TRUE.equals(burst.get("exactTallyShown")) && after != null
                && ((Number) after).doubleValue() <= 1000);
        Map<String, Object> warm = (Map<String, Object>) r.get("burstAfterSustained");
        if (warm != null) {
            Object warmAfter = warm.get("exactTallyAfterLastVoteMs");
            g.put("burstAfterSustainedExactWithin1s", Boolean.TRUE.equals(warm.get("exactTallyShown"))
                    && warmAfter != null && ((Number) warmAfter).doubleValue() <= 1000);
        }
        Object p99 = ((Map<String, Object>) sus.get("freshnessMs")).get("p99");
        g.put("sustainedFreshnessP99Under500ms", p99 != null && ((Number) p99).doubleValue() < 500
                && Boolean.TRUE.equals(sus.get("progressMatchesAcked")) && ((Number) sus.get("neverShown")).longValue() == 0);
        return g;
    }
}
