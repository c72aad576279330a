package io.chorus.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client worker process: reads one JSON command per line on standard input, runs it on its
 * {@link LocalFleet}, and answers one JSON line on standard output (nothing else is written there).
 */
public final class Worker {

    private Worker() {
    }

    public static void main() throws IOException {
        PrintStream answers = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        LocalFleet fleet = null;
        for (String line; (line = commands.readLine()) != null; ) {
            JsonNode cmd = ProcessFleet.JSON.readTree(line);
            String op = cmd.get("op").asText();
            Object answer;
            try {
                if (op.equals("init")) {
                    fleet = new LocalFleet(ProcessFleet.JSON.treeToValue(cmd.get("plan"), Plan.class));
                    answer = ProcessFleet.JSON.createObjectNode().put("native", fleet.nativeTransport());
                } else if (op.equals("close")) {
                    if (fleet != null) {
                        fleet.close();
                    }
                    return;
                } else {
                    answer = run(fleet, op, cmd);
                }
            } catch (RuntimeException e) {
                answer = ProcessFleet.JSON.createObjectNode().put("error", e.toString());
            }
            answers.println(ProcessFleet.JSON.writeValueAsString(answer));
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private static Object run(LocalFleet fleet, String op, JsonNode cmd) throws IOException {
        ObjectNode ok = ProcessFleet.JSON.createObjectNode().put("ok", true);
        switch (op) {
            case "connect":
                return fleet.connect(cmd.get("resume").asBoolean(), Duration.ofMillis(cmd.get("timeoutMs").asLong()));
            case "disconnect":
                fleet.disconnect(Duration.ofMillis(cmd.get("timeoutMs").asLong()));
                return ok;
            case "startStep":
                fleet.startStep(ProcessFleet.JSON.treeToValue(cmd.get("spec"), StepSpec.class));
                return ok;
            case "measureFrom":
                fleet.measureFrom(cmd.get("rel").asLong());
                return ok;
            case "counts":
                return fleet.counts();
            case "latency":
                return ProcessFleet.JSON.createObjectNode().put("histogram", ProcessFleet.encode(fleet.latency()));
            case "first":
                return ProcessFleet.JSON.createObjectNode().put("histogram", ProcessFleet.encode(fleet.firstDelivery()));
            case "catchup":
                return ProcessFleet.JSON.createObjectNode().put("histogram", ProcessFleet.encode(fleet.catchup()));
            case "closeCodes":
                return fleet.closeCodes();
            case "failures":
                return fleet.failureSamples();
            default:
                throw new IllegalArgumentException("unknown command " + op);
        }
    }
}
