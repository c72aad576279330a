package io.chorus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart in helm/chorus, rendered by the real helm for every values file in helm/chorus/ci, with
 * the properties an operator relies on asserted on the parsed manifests. The rendered chorus.yaml is
 * loaded by the gateway's own ConfigLoader, so a chart that writes a key the gateway refuses fails here.
 */
class HelmChartTest {

    @TempDir
    Path tmp;

    static Stream<Path> valuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(Tools.repo().resolve("helm/chorus/ci"))) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(list.size() >= 3, "helm/chorus/ci holds the values files CI renders");
            return list.stream();
        }
    }

    static Stream<Path> invalidValuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(Tools.repo().resolve("helm/tests/invalid"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /** The chart's defaults with one values file over them (maps merge, as helm does). */
    private static JsonNode values(Path file) throws IOException {
        JsonNode defaults = Chart.YAML.readTree(Tools.repo().resolve("helm/chorus/values.yaml").toFile());
        return Chart.YAML.readerForUpdating(defaults).readValue(file.toFile());
    }

    /** The gateway config the pod would run with: its chorus.yaml and its literal env, through ConfigLoader. */
    private GatewayConfig gatewayConfig(Chart chart) throws IOException {
        String yaml = chart.get("ConfigMap", "gateway").at("/data/chorus.yaml").asText();
        Path file = Files.writeString(tmp.resolve("chorus.yaml"), yaml);
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : chart.container("gateway").path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return ConfigLoader.load(false, file, env);
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyValuesFilePassesHelmLintStrict(Path values) {
        Tools.Run r = Tools.run(Tools.repo(), List.of(Tools.helm().toString(), "lint", "--strict", "helm/chorus",
                "-f", values.toString()));
        assertEquals(0, r.exit(), r.both());
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void probesHitTheGatewaysHealthEndpointsOnThePortItListensOn(Path values) throws IOException {
        Chart chart = Chart.render(values);
        GatewayConfig config = gatewayConfig(chart);
        JsonNode c = chart.container("gateway");

        assertEquals("/health/ready", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/startupProbe/httpGet/path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertEquals("http", c.at("/" + probe + "/httpGet/port").asText(), probe);
        }
        JsonNode port = c.at("/ports/0");
        assertEquals("http", port.path("name").asText());
        assertEquals(config.http().port(), port.path("containerPort").asInt(), "containerPort = http.port");
        assertEquals("0.0.0.0", config.http().host());
        assertEquals("http", chart.get("Service", "gateway").at("/spec/ports/0/targetPort").asText());
        assertFalse(config.kafka().embeddedBroker(), "the chart always points the gateway at a Kafka cluster");
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void theGracePeriodCoversPreStopTheDrainDeadlineAndAMargin(Path values) throws IOException {
        Chart chart = Chart.render(values);
        long deadlineMs = gatewayConfig(chart).drain().deadline().toMillis();
        JsonNode spec = chart.get("Deployment", "gateway").at("/spec/template/spec");
        int preStop = chart.container("gateway").at("/lifecycle/preStop/sleep/seconds").asInt(-1);
        int grace = spec.path("terminationGracePeriodSeconds").asInt(-1);
        int margin = values(values).at("/gateway/termination/marginSeconds").asInt();

        assertTrue(preStop >= 1, "a preStop pause lets load balancers stop sending clients first");
        assertTrue(margin >= 5, "a margin for the JVM's exit after the drain");
        assertEquals(preStop + (deadlineMs + 999) / 1000 + margin, grace,
                "terminationGracePeriodSeconds = preStop + drain.deadline (rounded up) + margin");
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void servicesHaveNoSessionAffinity(Path values) {
        Chart chart = Chart.render(values);
        List<JsonNode> services = chart.all("Service");
        assertFalse(services.isEmpty());
        for (JsonNode s : services) {
            String affinity = s.at("/spec/sessionAffinity").asText("None");
            assertEquals("None", affinity, s.at("/metadata/name").asText());
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void secretsAreReferencedNeverInlined(Path values) throws IOException {
        Chart chart = Chart.render(values);
        JsonNode v = values(values);
        List<String> secrets = new ArrayList<>();
        for (String path : List.of("/auth/hmacSecret", "/auth/jwksUrl", "/auth/adminKey")) {
            if (!v.at(path).asText().isEmpty()) {
                secrets.add(v.at(path).asText());
            }
        }
        for (String line : v.at("/kafka/security/clientProperties").asText().split("\n")) {
            if (line.startsWith("sasl.jaas.config=")) {
                secrets.add(line.substring(line.indexOf('=') + 1));
            }
        }
        String notSecrets = Chart.YAML.writeValueAsString(chart.docs().stream()
                .filter(d -> !"Secret".equals(d.path("kind").asText())).toList());
        for (String secret : secrets) {
            assertFalse(notSecrets.contains(secret), "a secret value appears outside a Secret: " + secret);
        }

        boolean hasAuth = !v.at("/auth/existingSecret").asText().isEmpty() || !secrets.isEmpty();
        Map<String, JsonNode> env = new HashMap<>();
        chart.container("gateway").path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertEquals(hasAuth, env.containsKey("CHORUS_AUTH_HMAC_SECRET"));
        if (hasAuth) {
            for (String name : List.of("CHORUS_AUTH_HMAC_SECRET", "CHORUS_AUTH_JWKS_URL")) {
                JsonNode e = env.get(name);
                assertFalse(e.has("value"), name + " is taken from a Secret");
                String secretName = e.at("/valueFrom/secretKeyRef/name").asText();
                String existing = v.at("/auth/existingSecret").asText();
                assertTrue(secretName.equals(existing) || chart.all("Secret").stream()
                        .anyMatch(s -> s.at("/metadata/name").asText().equals(secretName)), name + " -> " + secretName);
            }
        }

        chart.find("Deployment", "ingest").ifPresent(d -> d.at("/spec/template/spec/containers/0/env").forEach(e ->
                assertFalse(e.has("value") && !List.of("JAVA_TOOL_OPTIONS", "CHORUS_INGEST_KAFKA_STATE_DIR")
                                .contains(e.path("name").asText()),
                        "ingest takes " + e.path("name").asText() + " from a Secret")));

        GatewayConfig config = gatewayConfig(chart);
        if (v.at("/kafka/security/enabled").asBoolean()) {
            String mount = v.at("/kafka/security/mountPath").asText();
            assertEquals(mount + "/client.properties", config.kafka().clientPropertiesFile());
            JsonNode volume = chart.get("Deployment", "gateway").at("/spec/template/spec/volumes").findParent("secret");
            String secretName = volume.at("/secret/secretName").asText();
            String existing = v.at("/kafka/security/existingSecret").asText();
            assertTrue(secretName.equals(existing) || chart.all("Secret").stream()
                    .anyMatch(s -> s.at("/data/client.properties").isTextual()
                            && s.at("/metadata/name").asText().equals(secretName)));
            if (v.at("/ingest/enabled").asBoolean()) {
                String ingestYaml = chart.get("ConfigMap", "ingest").at("/data/ingest.yaml").asText();
                assertTrue(ingestYaml.contains("${chorusfile:" + mount + "/client.properties:sasl.jaas.config}"),
                        ingestYaml);
            }
        } else {
            assertEquals("", config.kafka().clientPropertiesFile());
        }
    }

    /**
     * ingest's pod as its Main would run: probes on /health/ready and /health/live on the port
     * engage.http.port names, and every CHORUS_INGEST_* variable from the Secret a key ingest's loader
     * reads (a name it does not know is ignored silently, so the test sets each one and looks for its
     * effect); with them the join API's settings are complete.
     */
    @ParameterizedTest
    @MethodSource("valuesFiles")
    void ingestProbesItsHealthEndpointsAndItsSecretsAreKeysItReads(Path values) throws IOException {
        Chart chart = Chart.render(values);
        if (chart.find("Deployment", "ingest").isEmpty()) {
            return;
        }
        JsonNode c = chart.container("ingest");
        String yaml = chart.get("ConfigMap", "ingest").at("/data/ingest.yaml").asText();
        Path file = Files.writeString(tmp.resolve("ingest.yaml"), yaml);
        Map<String, String> env = new HashMap<>();
        List<String> fromSecret = new ArrayList<>();
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                env.put(name, e.path("value").asText());
            } else if (name.startsWith("CHORUS_INGEST_")) {
                fromSecret.add(name);
            }
        }
        var config = io.chorus.ingest.config.ConfigLoader.load(file, env);
        var keys = io.chorus.ingest.config.ConfigLoader.loadApi(file, env);
        assertEquals(c.at("/ports/0/containerPort").asInt(), keys.http().port());
        assertEquals("http", c.at("/ports/0/name").asText());
        assertEquals("/health/ready", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/health/live", c.at("/startupProbe/httpGet/path").asText());
        assertEquals("http", c.at("/readinessProbe/httpGet/port").asText());
        assertEquals(c.at("/volumeMounts").findValuesAsText("mountPath").stream()
                .filter(m -> m.equals(config.kafka().stateDir())).count(), 1L, "the state dir is a volume");

        assertTrue(fromSecret.containsAll(List.of("CHORUS_INGEST_ENGAGE_HMAC_SECRET", "CHORUS_INGEST_ENGAGE_ADMIN_KEY")),
                fromSecret.toString());
        String before = config + " " + keys;
        Map<String, String> withSecrets = new HashMap<>(env);
        for (String name : fromSecret) {
            Map<String, String> one = new HashMap<>(env);
            one.put(name, "secret-value-from-the-chart-0123456789");
            withSecrets.put(name, "secret-value-from-the-chart-0123456789");
            String after = io.chorus.ingest.config.ConfigLoader.load(file, one) + " "
                    + io.chorus.ingest.config.ConfigLoader.loadApi(file, one);
            assertNotEquals(before, after, name + " is not a key ingest reads");
        }
        var api = io.chorus.ingest.config.ConfigLoader.loadApi(file, withSecrets).toApiConfig(config.kafka());
        assertEquals(List.of(), api.problems(), "ingest would refuse to start its join API");
    }

    @Test
    void aConfigChangeRollsThePodsOfThatComponentOnly() throws IOException {
        Path full = Tools.repo().resolve("helm/chorus/ci/full.yaml");
        Chart base = Chart.render(full);
        Chart again = Chart.render(full);
        Chart gatewayChanged = Chart.render(full, "--set", "gateway.config.limits.maxConnections=1234");
        Chart ingestChanged = Chart.render(full, "--set", "ingest.config.engage.publishInterval=500ms");
        Chart secretChanged = Chart.render(full, "--set", "auth.hmacSecret=another-ci-secret-that-is-32-bytes-long");

        assertEquals(base.annotation("gateway", "checksum/config"), again.annotation("gateway", "checksum/config"),
                "rendering twice changes nothing");
        assertFalse(base.annotation("gateway", "checksum/config").isEmpty());
        assertNotEquals(base.annotation("gateway", "checksum/config"),
                gatewayChanged.annotation("gateway", "checksum/config"));
        assertEquals(base.annotation("ingest", "checksum/config"),
                gatewayChanged.annotation("ingest", "checksum/config"));
        assertNotEquals(base.annotation("ingest", "checksum/config"),
                ingestChanged.annotation("ingest", "checksum/config"));
        assertEquals(base.annotation("gateway", "checksum/config"),
                ingestChanged.annotation("gateway", "checksum/config"));
        for (String component : List.of("gateway", "ingest")) {
            assertNotEquals(base.annotation(component, "checksum/secret"),
                    secretChanged.annotation(component, "checksum/secret"), component);
        }
    }

    @Test
    void disruptionBudgetsAndTheAutoscalerFollowTheirValues() {
        Chart minimal = Chart.render(Tools.repo().resolve("helm/chorus/ci/minimal.yaml"));
        assertTrue(minimal.find("PodDisruptionBudget", "gateway").isPresent());
        assertEquals(1, minimal.get("PodDisruptionBudget", "gateway").at("/spec/maxUnavailable").asInt());
        assertTrue(minimal.all("HorizontalPodAutoscaler").isEmpty());
        assertEquals(2, minimal.get("Deployment", "gateway").at("/spec/replicas").asInt());
        assertTrue(minimal.find("Deployment", "ingest").isEmpty(), "ingest is off unless enabled");

        Chart full = Chart.render(Tools.repo().resolve("helm/chorus/ci/full.yaml"));
        JsonNode hpa = full.get("HorizontalPodAutoscaler", "gateway");
        assertEquals(full.get("Deployment", "gateway").at("/metadata/name").asText(),
                hpa.at("/spec/scaleTargetRef/name").asText());
        List<String> metrics = new ArrayList<>();
        hpa.at("/spec/metrics").forEach(m -> metrics.add(m.path("type").asText() + ":"
                + m.at("/resource/name").asText(m.at("/pods/metric/name").asText())));
        assertEquals(List.of("Resource:cpu", "Pods:chorus_connections_open"), metrics);
        assertTrue(full.get("Deployment", "gateway").at("/spec/replicas").isMissingNode(),
                "the autoscaler owns the replica count");
        assertTrue(full.find("PodDisruptionBudget", "ingest").isPresent());
        assertTrue(full.find("Deployment", "ingest").isPresent());

        Chart noPdb = Chart.render(Tools.repo().resolve("helm/chorus/ci/existing-secrets.yaml"));
        assertTrue(noPdb.find("PodDisruptionBudget", "gateway").isEmpty());
    }

    @ParameterizedTest
    @MethodSource("invalidValuesFiles")
    void theSchemaRejectsABadValuesFileNamingTheField(Path values) throws IOException {
        String first = Files.readAllLines(values).get(0);
        assertTrue(first.startsWith("# expect: "), values + " starts with '# expect: <what the error names>'");
        String expected = first.substring("# expect: ".length()).trim();

        Tools.Run r = Chart.template(values);

        assertNotEquals(0, r.exit(), values + " rendered although it is invalid");
        assertTrue(r.err().contains(expected), "error should name " + expected + ":\n" + r.err());
    }

    @Test
    void thePrometheusRuleCarriesGrafanasAlertRules() throws IOException {
        Path canonical = Tools.repo().resolve("grafana/alerts/chorus-rules.yaml");
        Path copy = Tools.repo().resolve("helm/chorus/files/chorus-rules.yaml");
        assertEquals(Files.readString(canonical), Files.readString(copy),
                "helm/chorus/files/chorus-rules.yaml must be a copy of grafana/alerts/chorus-rules.yaml");

        Chart full = Chart.render(Tools.repo().resolve("helm/chorus/ci/full.yaml"));
        List<JsonNode> rules = full.all("PrometheusRule");
        assertEquals(1, rules.size());
        assertEquals(Chart.YAML.readTree(canonical.toFile()), rules.get(0).path("spec"));
        assertEquals(2, full.all("ServiceMonitor").size(), "gateway and ingest are scraped");
        full.all("ServiceMonitor").forEach(m -> assertEquals("/metrics", m.at("/spec/endpoints/0/path").asText()));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void podsRunAsNonRootOnAReadOnlyRootFilesystem(Path values) {
        Chart chart = Chart.render(values);
        for (JsonNode d : chart.all("Deployment")) {
            JsonNode spec = d.at("/spec/template/spec");
            assertTrue(spec.at("/securityContext/runAsNonRoot").asBoolean(), d.at("/metadata/name").asText());
            JsonNode c = spec.at("/containers/0");
            assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
            assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
            assertTrue(c.at("/resources/requests/cpu").isTextual() && c.at("/resources/limits/memory").isTextual());
        }
    }
}
