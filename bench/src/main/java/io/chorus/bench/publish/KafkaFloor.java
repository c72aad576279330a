package io.chorus.bench.publish;

import io.chorus.bench.wire.Payload;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The latency floor of Chorus's path without the gateway: a consumer in the load generator, configured
 * like the gateway's live reader ({@code read_committed}, {@code fetch.max.wait.ms=100}, assigned to
 * every partition at its end), records producer-to-consumer latency of the same messages. The gap
 * between this and the end-to-end figure is what the gateway adds.
 */
public final class KafkaFloor implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final long epoch;
    private final Recorder recorder = new Recorder(3);
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile boolean closing;

    public KafkaFloor(String bootstrap, String topic, long epoch) {
        this.epoch = epoch;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chorus-bench-floor");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        thread = new Thread(this::run, "bench-kafka-floor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long[] scratch = new long[3];
        try {
            while (!closing) {
                var records = consumer.poll(Duration.ofMillis(500));
                long now = System.nanoTime() - epoch;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.value() != null && Payload.scan(Buffer.buffer(r.value()), 0, scratch)
                            && scratch[0] >= measureFrom) {
                        recorder.recordValue(Math.max(1, (now - scratch[0]) / 1000));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    /** Starts a new window: latencies of messages sent at or after {@code rel}. */
    public void measureFrom(long rel) {
        recorder.reset();
        measureFrom = rel;
    }

    public Histogram window() {
        return recorder.getIntervalHistogram();
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
