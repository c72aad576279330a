package io.chorus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image definitions in docker/, checked without Docker (none runs here): what each Dockerfile
 * says, then its ENTRYPOINT and CMD run as a plain process with the image's ENV, its COPY
 * destinations laid out in a temporary directory (the built jars linked there) and its VOLUME on a
 * temporary directory, against the test broker: it becomes ready, and SIGTERM (Process.destroy())
 * ends it cleanly within its deadline. Not checked: the base image, the build, file ownership and a
 * read-only root (the process here writes only where the image allows, but nothing enforces it).
 */
class ImagesIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final String SECRET = "images-test-hmac-secret-0123456789abcdef";

    @TempDir
    Path tmp;

    private static Dockerfile dockerfile(String image) throws IOException {
        return Dockerfile.read(Tools.repo().resolve("docker/" + image + "/Dockerfile"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "ingest"})
    void theImageRunsTheBuiltJarAsAnUnprivilegedUserWithTheHeapSizedByTheContainer(String image) throws IOException {
        Dockerfile df = dockerfile(image);
        String user = df.last("USER");
        assertNotNull(user, "USER is set");
        String uid = user.split(":")[0];
        assertFalse(uid.equals("0") || uid.equals("root"), "USER " + user + " is not root");
        assertTrue(uid.matches("[1-9][0-9]*"), "USER is numeric, so runAsNonRoot can verify it: " + user);
        for (String add : df.all("ADD")) {
            assertFalse(add.matches("(?s).*\\b(https?|ftp)://.*"), "ADD fetches nothing from the network: " + add);
        }
        assertTrue(df.last("FROM").matches("\\S+:17\\S*-jre\\S*|\\S+:17-jre"), "a Java 17 JRE base: " + df.last("FROM"));
        List<String> entrypoint = Dockerfile.execForm(df.last("ENTRYPOINT"));
        assertNotNull(entrypoint, "ENTRYPOINT in exec form, so java is PID 1 and gets SIGTERM: " + df.last("ENTRYPOINT"));
        assertEquals(List.of("java", "-jar", "/app/chorus-" + image + ".jar"), entrypoint);
        if (df.last("CMD") != null) {
            assertNotNull(Dockerfile.execForm(df.last("CMD")), "CMD in exec form");
        }
        String jvm = df.env().getOrDefault("JAVA_TOOL_OPTIONS", "");
        assertTrue(jvm.matches(".*-XX:MaxRAMPercentage=\\d+.*") && jvm.contains("-XX:+UseContainerSupport")
                && jvm.contains("-XX:+ExitOnOutOfMemoryError"), jvm);
        for (String copy : df.all("COPY")) {
            String source = copy.split("\\s+")[0];
            assertTrue(source.startsWith(image + "/target/"), "copies only the Maven build's output: " + copy);
            assertTrue(Files.exists(Tools.repo().resolve(source)), source + " exists (mvn package ran)");
        }
        // A port variable would override the config file's port, which the chart sets.
        assertFalse(df.env().keySet().stream().anyMatch(k -> k.endsWith("_PORT")), df.env().toString());
        if (image.equals("ingest")) {
            String state = df.env().get("CHORUS_INGEST_KAFKA_STATE_DIR");
            List<String> volumes = Dockerfile.execForm(df.last("VOLUME"));
            assertNotNull(volumes, "VOLUME in exec form");
            assertTrue(volumes.contains(state), "the state dir " + state + " is the volume " + volumes);
        }
    }

    @Test
    void theGatewaysEntrypointBecomesReadyAndDrainsItsClientsOnSigterm() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("CHORUS_HTTP_HOST", "127.0.0.1");
        env.put("CHORUS_HTTP_PORT", "0");
        env.put("CHORUS_AUTH_HMAC_SECRET", SECRET);
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        env.put("CHORUS_KAFKA_CREATE_TOPICS", "true");
        env.put("CHORUS_DRAIN_DEADLINE", "10s");
        try (Launched gw = Launched.start(dockerfile("gateway"), tmp, env)) {
            int port = gw.awaitPort(Pattern.compile("Chorus is running: http://localhost:(\\d+)"));
            awaitStatus(port, "/health/ready", 200);
            WsProbe client = WsProbe.connect(URI.create("ws://127.0.0.1:" + port + "/v1/ws"));
            gw.process.destroy();
            assertEquals(4001, client.awaitClose(Duration.ofSeconds(10)), "told to resume elsewhere (server_shutdown)");
            assertTrue(gw.process.waitFor(10 + 15, TimeUnit.SECONDS), "exits within drain.deadline:\n" + gw.log());
            assertEquals(143, gw.process.exitValue(), "ended by SIGTERM through its shutdown hook:\n" + gw.log());
            assertTrue(gw.log().contains("draining: 1 connections"), gw.log());
            assertTrue(gw.log().contains("drained: 0 publishes in flight, 0 connections open"), gw.log());
        }
    }

    @Test
    void ingestsEntrypointBecomesReadyAndStopsCleanlyOnSigterm() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("CHORUS_INGEST_KAFKA_APPLICATION_ID", "images-it-" + Long.toString(System.nanoTime(), 36));
        env.put("CHORUS_INGEST_KAFKA_CREATE_TOPICS", "true");
        env.put("CHORUS_INGEST_ENGAGE_TOPICS_CREATE", "true");
        env.put("CHORUS_INGEST_ENGAGE_HTTP_HOST", "127.0.0.1");
        env.put("CHORUS_INGEST_ENGAGE_HTTP_PORT", "0");
        env.put("CHORUS_INGEST_ENGAGE_HMAC_SECRET", SECRET);
        env.put("CHORUS_INGEST_ENGAGE_ADMIN_KEY", "images-test-admin-key");
        env.put("CHORUS_INGEST_ENGAGE_DEMO_URL", "http://127.0.0.1/");
        try (Launched ingest = Launched.start(dockerfile("ingest"), tmp, env)) {
            int port = ingest.awaitPort(Pattern.compile("http port (\\d+)"));
            awaitStatus(port, "/health/live", 200);
            awaitStatus(port, "/health/ready", 200);
            assertTrue(get(port, "/metrics").body().contains("chorus_engage_api_known_events"));
            Path volume = ingest.volumes.get("/var/lib/chorus-ingest");
            try (var files = Files.list(volume)) {
                assertTrue(files.findAny().isPresent(), "Streams keeps its state on the volume");
            }
            ingest.process.destroy();
            assertTrue(ingest.process.waitFor(60, TimeUnit.SECONDS), "exits within the chart's grace period:\n"
                    + ingest.log());
            assertEquals(143, ingest.process.exitValue(), ingest.log());
            assertTrue(ingest.log().contains("State transition from PENDING_SHUTDOWN to NOT_RUNNING"), ingest.log());
        }
    }

    /** The image's entry point as a local process: COPY targets and VOLUMEs mapped under a directory. */
    private static final class Launched implements AutoCloseable {
        final Process process;
        final Map<String, Path> volumes;
        private final Path log;

        private Launched(Process process, Map<String, Path> volumes, Path log) {
            this.process = process;
            this.volumes = volumes;
            this.log = log;
        }

        static Launched start(Dockerfile df, Path dir, Map<String, String> testEnv) throws IOException {
            Path root = dir.resolve("image");
            for (String copy : df.all("COPY")) {
                String[] parts = copy.split("\\s+");
                Path target = root.resolve(parts[1].substring(1));
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, Tools.repo().resolve(parts[0]).toAbsolutePath());
            }
            Map<String, Path> volumes = new HashMap<>();
            List<String> declared = df.last("VOLUME") == null ? List.of() : Dockerfile.execForm(df.last("VOLUME"));
            for (String v : declared) {
                volumes.put(v, Files.createDirectories(dir.resolve("volume" + volumes.size())));
            }
            Map<String, String> env = new HashMap<>();
            df.env().forEach((k, v) -> env.put(k, volumes.containsKey(v) ? volumes.get(v).toString() : v));
            env.putAll(testEnv);
            env.put("PATH", System.getenv("PATH"));
            List<String> cmd = new ArrayList<>(Dockerfile.execForm(df.last("ENTRYPOINT")));
            if (df.last("CMD") != null) {
                cmd.addAll(Dockerfile.execForm(df.last("CMD")));
            }
            cmd.set(0, ProcessHandle.current().info().command().orElseThrow());
            cmd.replaceAll(a -> a.startsWith("/app/") ? root.resolve(a.substring(1)).toString() : a);
            Path workdir = root.resolve(df.last("WORKDIR").substring(1));
            // To a file: a pipe read after the process ended loses its last lines (the shutdown's).
            Path log = dir.resolve("process.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workdir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            return new Launched(pb.start(), volumes, log);
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        int awaitPort(Pattern announced) {
            int[] port = {-1};
            Conditions.await("the process announces its port", READY, () -> {
                assertTrue(process.isAlive() || log().contains("running"), "the process ended:\n" + log());
                Matcher m = announced.matcher(log());
                if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                }
                return port[0] > 0;
            });
            return port[0];
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitStatus(int port, String path, int status) {
        Conditions.await(path + " answers " + status, READY, () -> {
            try {
                return get(port, path).statusCode() == status;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static HttpResponse<String> get(int port, String path) throws IOException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
