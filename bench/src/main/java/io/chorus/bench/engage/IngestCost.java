package io.chorus.bench.engage;

import io.chorus.bench.proc.CoreStats;
import io.chorus.bench.proc.ProcStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Ingest's own cost per vote, without the gateway or the load generator's sockets: votes are written
 * straight to {@code chorus.engage-in} as the gateway writes them (key {@code engage-in:CODE}, headers
 * {@code chorus-client} and {@code chorus-id}), at a paced rate, and the CPU of ingest and the broker is
 * read from /proc over the window. A vote counts as applied when its audit record is in
 * {@code chorus.engage-audit} (one per accepted vote), so the window ends when every vote is applied:
 * the figure is the whole work of the votes, whatever the backlog. Run by {@code bench/ingest-cost.sh}.
 *
 * <pre>java -cp chorus-bench.jar io.chorus.bench.engage.IngestCost BOOTSTRAP INGEST_PID BROKER_PID
 *     [participants] [rate] [warmup seconds] [seconds] [measured rate]</pre>
 */
public final class IngestCost {

    private static final String IN = "chorus.engage-in";
    private static final String CTL = "chorus.engage-ctl";
    private static final String AUDIT = "chorus.engage-audit";
    private static final int OPTIONS = 20;
    /** The partition of {@code chorus.engage-in} that holds the event's state. */
    private static int partition;

    private IngestCost() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        long ingest = Long.parseLong(args[1]);
        long broker = Long.parseLong(args[2]);
        int participants = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 2000;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int seconds = args.length > 6 ? Integer.parseInt(args[6]) : 30;
        // A burst on a warm ingest: warm up at `rate`, then measure at this one (e.g. 10,000 votes in 1 s).
        int measuredRate = args.length > 7 ? Integer.parseInt(args[7]) : rate;
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        java.util.Random random = new java.util.Random(System.nanoTime());
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            c.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String code = c.toString();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer());
             AuditCounter audit = new AuditCounter(bootstrap)) {
            // Votes go where the gateway's murmur2_name partitioner puts them: the event's own partition,
            // which ingest applies without crossing its "by-event" repartition topic (the local path).
            int partitions = producer.partitionsFor(IN).size();
            partition = Utils.toPositive(Utils.murmur2(code.getBytes(StandardCharsets.UTF_8))) % partitions;
            String host = "h-0000000000000001";
            ctl(producer, code, "host", "system", "c-create", "{\"type\":\"event.create\",\"title\":\"cost\"}");
            String options = java.util.stream.IntStream.range(0, OPTIONS)
                    .mapToObj(i -> "{\"id\":\"o" + i + "\",\"label\":\"Option " + i + "\"}")
                    .collect(Collectors.joining(","));
            ctl(producer, code, "host", host, "c-poll", "{\"type\":\"activity.create\",\"activity\":\"cost\","
                    + "\"kind\":\"choice\",\"title\":\"cost\",\"allowChange\":true,\"options\":[" + options + "]}");
            ctl(producer, code, "host", host, "c-open", "{\"type\":\"activity.open\",\"activity\":\"cost\"}");
            producer.flush();
            // Commands and votes are on two topics: the first votes may overtake activity.open. A probe
            // vote is resent until one is applied.
            for (int probe = 0; audit.count() == 0; probe++) {
                vote(producer, code, "p-probe", 0, "probe-" + probe);
                producer.flush();
                for (long until = System.nanoTime() + 1_000_000_000L; System.nanoTime() < until && audit.count() == 0; ) {
                    Thread.onSpinWait();
                }
            }
            long audited0 = audit.count();
            int[] next = new int[participants];
            long sent = send(producer, code, next, rate, warmup, 0);
            await(audit, audited0 + sent, Duration.ofMinutes(5));
            Map<String, long[]> cores0 = CoreStats.sample();
            long i0 = ProcStats.cpuTicks(ingest);
            long b0 = ProcStats.cpuTicks(broker);
            long t0 = System.nanoTime();
            long measured = send(producer, code, next, measuredRate, seconds, sent);
            long sentAt = System.nanoTime();
            await(audit, audited0 + sent + measured, Duration.ofMinutes(10));
            long t1 = System.nanoTime();
            long i1 = ProcStats.cpuTicks(ingest);
            long b1 = ProcStats.cpuTicks(broker);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("participants", participants);
            out.put("rate", measuredRate);
            out.put("warmupRate", rate);
            out.put("votes", measured);
            out.put("sendSeconds", round((sentAt - t0) / 1e9));
            out.put("appliedAfterSendingStoppedMs", round((t1 - sentAt) / 1e6));
            double ms = 1000.0 / ProcStats.TICKS_PER_SECOND;
            out.put("ingestUsPerVote", round((i1 - i0) * ms * 1000 / measured));
            out.put("brokerUsPerVote", round((b1 - b0) * ms * 1000 / measured));
            out.put("windowSeconds", round((t1 - t0) / 1e9));
            out.put("cores", CoreStats.between(cores0, CoreStats.sample()));
            out.put("loadAverage", CoreStats.loadAverage());
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(out));
        }
    }

    /** Paced votes: participant {@code k mod n} moves to its next option; returns how many were sent. */
    private static long send(KafkaProducer<byte[], byte[]> producer, String code, int[] next, int rate,
                             int seconds, long from) throws InterruptedException {
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        for (long k = 0; k < total; k++) {
            long due = start + k * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
            int who = (int) ((from + k) % next.length);
            int option = next[who]++ % OPTIONS;
            vote(producer, code, String.format("p-%016x", who), option, "v-" + (from + k));
        }
        producer.flush();
        return total;
    }

    private static void vote(KafkaProducer<byte[], byte[]> producer, String code, String participant, int option,
                             String id) {
        String body = "{\"type\":\"poll.vote\",\"activity\":\"cost\",\"round\":1,\"choices\":[\"o" + option + "\"]}";
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(IN, partition,
                ("engage-in:" + code).getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-client", participant.getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }

    private static void ctl(KafkaProducer<byte[], byte[]> producer, String code, String role, String client,
                            String id, String body) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(CTL, ("engage-ctl:" + code + ":" + role)
                .getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-client", client.getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
        producer.send(r);
        producer.flush();
    }

    /** Waits until the audit topic holds {@code count} committed records. */
    private static void await(AuditCounter audit, long count, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (audit.count() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ingest did not apply the votes within " + max);
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Audit records so far, read committed (transaction markers take offsets, so end offsets overcount). */
    private static final class AuditCounter implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private long seen;

        AuditCounter(String bootstrap) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(AUDIT).forEach(i -> parts.add(new TopicPartition(AUDIT, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        long count() {
            seen += consumer.poll(Duration.ofMillis(20)).count();
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
