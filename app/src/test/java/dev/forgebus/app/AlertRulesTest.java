package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;

/**
 * deploy/prometheus/alerts.yml and deploy/grafana/forgebus-dashboard.json, checked without
 * promtool (not installed here): the rule file's shape, and that every expression names only
 * series docs/operations.md "Metrics" documents, so docs, code and alerts cannot drift apart.
 */
class AlertRulesTest {
    private static final Path ALERTS = Path.of("..", "deploy", "prometheus", "alerts.yml");
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "forgebus-dashboard.json");
    private static final Path OPERATIONS = Path.of("..", "docs", "operations.md");
    /** Series names as they appear in PromQL: ours, the binders', and Prometheus' own {@code up}. */
    private static final Pattern SERIES = Pattern.compile("\\b((?:forgebus|jvm|process|kafka)_[a-z0-9_]+|up)\\b(?!\\s*\\()");
    private static final Set<String> FOR_DURATION = Set.of("s", "m", "h");

    @Test
    void every_rule_has_a_name_an_expression_a_duration_a_severity_and_a_summary() throws IOException {
        List<Map<String, Object>> rules = rules();

        assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
        for (Map<String, Object> rule : rules) {
            assertThat(rule).as("rule %s", rule.get("alert")).containsKeys("alert", "expr", "for", "labels", "annotations");
            assertThat(rule.keySet()).as("rule %s", rule.get("alert")).containsOnly("alert", "expr", "for", "labels", "annotations");
            assertThat((String) rule.get("alert")).matches("[A-Z][A-Za-z0-9]+");
            assertThat(String.valueOf(rule.get("for"))).matches("\\d+[smh]");
            assertThat(FOR_DURATION).contains(String.valueOf(rule.get("for")).replaceAll("\\d", ""));
            assertThat(map(rule.get("labels"))).containsKey("severity");
            assertThat(map(rule.get("labels")).get("severity")).isIn("warning", "critical");
            assertThat(map(rule.get("annotations"))).containsKeys("summary", "description");
            assertThat(balanced((String) rule.get("expr"))).as("brackets of %s", rule.get("alert")).isTrue();
        }
        assertThat(rules.stream().map(r -> (String) r.get("alert")).distinct().count()).isEqualTo(rules.size());
    }

    @Test
    void the_rules_cover_dead_letters_lag_budget_role_down_and_gateway_rejections() throws IOException {
        String exprs = String.join("\n", rules().stream().map(r -> (String) r.get("expr")).toList());

        assertThat(exprs).contains("forgebus_worker_dead_letters_total", "forgebus_worker_lag", "forgebus_forge_budget_remaining",
                "up{", "forgebus_webhooks_rejected_total");
    }

    @Test
    void alert_expressions_name_only_documented_series() throws IOException {
        Set<String> documented = documentedNames();
        assertThat(documented).contains("forgebus_worker_lag", "forgebus_webhooks_rejected_total", "up");

        List<String> unknown = new ArrayList<>();
        for (Map<String, Object> rule : rules()) {
            seriesIn((String) rule.get("expr")).stream().filter(n -> !documented.contains(n))
                    .forEach(n -> unknown.add(rule.get("alert") + ": " + n));
        }

        assertThat(unknown).isEmpty();
    }

    @Test
    void dashboard_panels_query_only_documented_series() throws IOException {
        Set<String> documented = documentedNames();
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));

        List<String> unknown = new ArrayList<>();
        int targets = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                targets++;
                seriesIn(target.path("expr").asText()).stream().filter(n -> !documented.contains(n))
                        .forEach(n -> unknown.add(panel.path("title").asText() + ": " + n));
            }
        }

        assertThat(targets).isGreaterThanOrEqualTo(10);
        assertThat(unknown).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws IOException {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(ALERTS));
        assertThat(loaded).isInstanceOf(Map.class);
        Map<String, Object> top = (Map<String, Object>) loaded;
        assertThat(top.keySet()).containsOnly("groups");
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<Object>) top.get("groups")) {
            Map<String, Object> g = map(group);
            assertThat(g).containsKeys("name", "rules");
            rules.addAll((List<Map<String, Object>>) g.get("rules"));
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    /** The series names of the "Metrics" section of docs/operations.md (code spans and the block). */
    private static Set<String> documentedNames() throws IOException {
        String doc = Files.readString(OPERATIONS);
        int from = doc.indexOf("## Metrics");
        int to = doc.indexOf("\n## ", from + 1);
        assertThat(from).isNotNegative();
        Set<String> names = new LinkedHashSet<>();
        Matcher m = SERIES.matcher(doc.substring(from, to));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Series names in one PromQL expression; label values in quotes and {@code $labels} are not names. */
    private static Set<String> seriesIn(String expr) {
        String withoutStrings = expr.replaceAll("\"[^\"]*\"", "\"\"");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = SERIES.matcher(withoutStrings);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static boolean balanced(String expr) {
        int depth = 0;
        for (char c : expr.toCharArray()) {
            if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            }
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }
}
