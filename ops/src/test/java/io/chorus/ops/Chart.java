package io.chorus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The manifests {@code helm template} renders from helm/chorus with one values file, parsed. */
record Chart(List<JsonNode> docs, String text) {

    static final YAMLMapper YAML = new YAMLMapper();

    static Chart render(Path values, String... extra) {
        Tools.Run r = template(values, extra);
        assertEquals(0, r.exit(), () -> "helm template failed for " + values + ":\n" + r.err());
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(r.out())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            fail("rendered manifests are not YAML: " + e.getMessage());
        }
        return new Chart(List.copyOf(docs), r.out());
    }

    static Tools.Run template(Path values, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(Tools.helm().toString(), "template", "chorus", "helm/chorus",
                "-f", values.toString()));
        cmd.addAll(List.of(extra));
        return Tools.run(Tools.repo(), cmd);
    }

    List<JsonNode> all(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** The one object of this kind for a component (gateway or ingest), if rendered. */
    Optional<JsonNode> find(String kind, String component) {
        List<JsonNode> found = all(kind).stream()
                .filter(d -> component.equals(d.at("/metadata/labels/app.kubernetes.io~1component").asText()))
                .toList();
        if (found.size() > 1) {
            fail(found.size() + " " + kind + " objects for " + component);
        }
        return found.stream().findFirst();
    }

    JsonNode get(String kind, String component) {
        return find(kind, component).orElseGet(() -> fail("no " + kind + " for " + component));
    }

    /** The first container of a component's Deployment. */
    JsonNode container(String component) {
        return get("Deployment", component).at("/spec/template/spec/containers/0");
    }

    String annotation(String component, String name) {
        return get("Deployment", component).at("/spec/template/metadata/annotations").path(name).asText();
    }
}
