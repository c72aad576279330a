package io.chorus.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Subscribers spread over worker JVMs (one process holds at most 20,000 open files here). Each worker
 * runs a {@link LocalFleet} for its slice of the plan and answers one JSON line per command on its
 * standard output ({@link Worker}); a command goes to every worker before any answer is read, so they
 * work in parallel. Workers inherit this process's CPU affinity, and share its monotonic clock, so
 * their latencies are comparable with the publisher's send times.
 */
public final class ProcessFleet implements Fleet {

    static final ObjectMapper JSON = new ObjectMapper();

    private final List<Process> processes = new ArrayList<>();
    private final List<Writer> in = new ArrayList<>();
    private final List<BufferedReader> out = new ArrayList<>();

    public ProcessFleet(Plan plan, int workers) {
        List<String> jvm = new ArrayList<>();
        jvm.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Xm") || a.startsWith("-XX:") || a.startsWith("-Dbench.")) {
                jvm.add(a);
            }
        }
        jvm.add("-cp");
        jvm.add(System.getProperty("java.class.path"));
        jvm.add("io.chorus.bench.Main");
        jvm.add("worker");
        int per = (plan.count() + workers - 1) / workers;
        try {
            for (int w = 0; w < workers; w++) {
                int from = plan.first() + w * per;
                int n = Math.min(per, plan.first() + plan.count() - from);
                Process p = new ProcessBuilder(jvm).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                processes.add(p);
                in.add(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
                out.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
                ObjectNode init = JSON.createObjectNode().put("op", "init");
                init.set("plan", JSON.valueToTree(plan.slice(from, n)));
                send(w, init);
            }
            for (int w = 0; w < workers; w++) {
                answer(w);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("starting client workers", e);
        }
    }

    private void send(int w, JsonNode cmd) throws IOException {
        Writer writer = in.get(w);
        writer.write(JSON.writeValueAsString(cmd));
        writer.write('\n');
        writer.flush();
    }

    private JsonNode answer(int w) throws IOException {
        String line = out.get(w).readLine();
        if (line == null) {
            throw new IOException("client worker " + w + " ended");
        }
        JsonNode n = JSON.readTree(line);
        if (n.has("error")) {
            throw new IOException("client worker " + w + ": " + n.get("error").asText());
        }
        return n;
    }

    private List<JsonNode> all(ObjectNode cmd) {
        try {
            for (int w = 0; w < processes.size(); w++) {
                send(w, cmd);
            }
            List<JsonNode> answers = new ArrayList<>();
            for (int w = 0; w < processes.size(); w++) {
                answers.add(answer(w));
            }
            return answers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode op(String name) {
        return JSON.createObjectNode().put("op", name);
    }

    @Override
    public ConnectReport connect(boolean resume, Duration timeout) {
        ConnectReport sum = new ConnectReport(0, 0, 0);
        for (JsonNode n : all(op("connect").put("resume", resume).put("timeoutMs", timeout.toMillis()))) {
            sum = sum.plus(JSON.convertValue(n, ConnectReport.class));
        }
        return sum;
    }

    @Override
    public void disconnect(Duration timeout) {
        all(op("disconnect").put("timeoutMs", timeout.toMillis()));
    }

    @Override
    public void startStep(StepSpec spec) {
        ObjectNode cmd = op("startStep");
        cmd.set("spec", JSON.valueToTree(spec));
        all(cmd);
    }

    @Override
    public void measureFrom(long rel) {
        all(op("measureFrom").put("rel", rel));
    }

    @Override
    public Counts counts() {
        Counts sum = Counts.ZERO;
        for (JsonNode n : all(op("counts"))) {
            sum = sum.plus(JSON.convertValue(n, Counts.class));
        }
        return sum;
    }

    @Override
    public Histogram latency() {
        return merged("latency");
    }

    @Override
    public Histogram firstDelivery() {
        return merged("first");
    }

    @Override
    public Histogram catchup() {
        return merged("catchup");
    }

    private Histogram merged(String which) {
        Histogram h = new Histogram(3);
        for (JsonNode n : all(op(which))) {
            h.add(decode(n.get("histogram").asText()));
        }
        return h;
    }

    static String encode(Histogram h) {
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(b);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), len));
    }

    static Histogram decode(String s) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(s)), 0);
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<Integer, Long> closeCodes() {
        Map<Integer, Long> sum = new TreeMap<>();
        for (JsonNode n : all(op("closeCodes"))) {
            n.fields().forEachRemaining(e -> sum.merge(Integer.parseInt(e.getKey()), e.getValue().asLong(), Long::sum));
        }
        return sum;
    }

    @Override
    public List<String> failureSamples() {
        List<String> sum = new ArrayList<>();
        for (JsonNode n : all(op("failures"))) {
            n.forEach(x -> sum.add(x.asText()));
        }
        return sum;
    }

    @Override
    public void close() {
        for (int w = 0; w < processes.size(); w++) {
            try {
                send(w, op("close"));
            } catch (IOException ignored) {
                // it is going anyway
            }
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
