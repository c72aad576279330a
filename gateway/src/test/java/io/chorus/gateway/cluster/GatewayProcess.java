package io.chorus.gateway.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A gateway pod as a process of its own ({@code io.chorus.gateway.Main serve}, the production entry
 * point, on the test class path), so that SIGTERM runs the real shutdown hook: drain, then exit. Its
 * port stays the same across restarts, as a pod's address behind a Service would; its output is
 * appended to {@code <dir>/gateway-<port>.log}, one block per launch.
 */
final class GatewayProcess implements AutoCloseable {

    private static final String LAUNCH = "--- launch\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private Process process;

    GatewayProcess(Path dir, int port, Map<String, String> env) {
        this.dir = dir;
        this.port = port;
        this.env = Map.copyOf(env);
        this.log = dir.resolve("gateway-" + port + ".log");
    }

    GatewayProcess launch() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only: a pod starts in less CPU on a test machine that runs three of them and more.
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.chorus.gateway.Main", "serve"));
        try {
            Files.writeString(log, LAUNCH, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            pb.environment().put("CHORUS_HTTP_HOST", "127.0.0.1");
            pb.environment().put("CHORUS_HTTP_PORT", String.valueOf(port));
            process = pb.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch a gateway on port " + port, e);
        }
    }

    /** Waits until {@code /health/ready} answers 200 (Kafka reachable, not draining). */
    GatewayProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ready() != 200) {
            if (!process.isAlive()) {
                throw new AssertionError("gateway on port " + port + " exited: " + launchOutput());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gateway on port " + port + " not ready after " + timeout + ": "
                        + launchOutput());
            }
            // The poll interval of the check, not a wait for time to pass.
            LockSupport.parkNanos(50_000_000);
        }
        return this;
    }

    private int ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGTERM, then waits for the process to exit; false if it outlived {@code timeout}. */
    boolean terminate(Duration timeout) {
        process.destroy();
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the current launch logged so far. */
    String launchOutput() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(all.lastIndexOf(LAUNCH));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/ws");
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
