package dev.lagwatch.demo.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the shipped Prometheus, Grafana and compose files for the tests that check them. */
final class DeployFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployFiles() {
    }

    /** One alert rule: its name, expression, labels and annotations. */
    record Alert(String name, String expr, Map<String, String> labels, Map<String, String> annotations) {
    }

    /**
     * The rules of a rule file.
     *
     * @param alerts every alert rule
     * @param recorded every recording rule's expression, by the name it records
     */
    record Rules(List<Alert> alerts, Map<String, String> recorded) {
        List<String> alertNames() {
            return alerts.stream().map(Alert::name).toList();
        }
    }

    static Rules rules(Path file) throws IOException {
        List<Alert> alerts = new ArrayList<>();
        Map<String, String> recorded = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(new Alert(rule.path("alert").asText(), rule.path("expr").asText(),
                            strings(rule.path("labels")), strings(rule.path("annotations"))));
                } else {
                    recorded.put(rule.path("record").asText(), rule.path("expr").asText());
                }
            }
        }
        return new Rules(alerts, recorded);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        object.properties().forEach(field -> values.put(field.getKey(), field.getValue().asText()));
        return values;
    }
}
