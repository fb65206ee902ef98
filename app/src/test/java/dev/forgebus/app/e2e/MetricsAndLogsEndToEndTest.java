package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Issue 14, metrics and logs, on one {@code run} with {@code logging.format: json}: the series
 * docs/operations.md lists under "Metrics" exist before any delivery, a webhook moves the
 * webhook-to-action histogram, log lines are JSON with the item's MDC keys, no secret is logged,
 * and the start is free of the known noisy warnings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAndLogsEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Path OPERATIONS = Path.of("..", "docs", "operations.md");

    private FakeForge forge;
    private RunningForgebus forgebus;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;
    private String startLog;
    private String metricsAtStart;

    @BeforeAll
    void start() throws Exception {
        originalOut = System.out;
        originalErr = System.err;
        // Logback's console appenders and the JVM's own warnings write to whatever System.out/err is now.
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        // Not in the OS temp directory: Kafka Streams warns about a state directory there.
        Path data = Path.of("target", "metrics-logs-e2e-" + UUID.randomUUID());
        Files.createDirectories(data);
        String yaml = RunningForgebus.config(forge.apiUrl().toString(), freePort(), "") + "logging: { format: json }\n";
        forgebus = new RunningForgebus(yaml, data);
        startLog = captured();
        metricsAtStart = forgebus.metrics();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            forgebus.close();
            forge.close();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void every_documented_series_is_present_before_any_delivery() throws Exception {
        List<String> documented = documentedSeries();
        assertThat(documented).contains("forgebus_build_info", "forgebus_webhook_to_action_seconds_bucket", "jvm_memory_used_bytes");

        List<String> missing = documented.stream().filter(name -> !hasSeries(metricsAtStart, name)).toList();

        assertThat(missing).as("documented in docs/operations.md but not on /metrics at start").isEmpty();
        assertThat(metricsAtStart).contains("forgebus_webhook_to_action_seconds_count{module=\"triage\"} 0");
        assertThat(metricsAtStart).containsPattern("forgebus_build_info\\{version=\"[^\"]+\"} 1");
    }

    @Test
    void latencies_are_bucketed_histograms_without_quantiles_or_constant_labels() {
        assertThat(metricsAtStart).doesNotContain("quantile=").doesNotContain("application=");
        assertThat(metricsAtStart).contains("forgebus_gateway_produce_latency_seconds_bucket{forge=\"github\",le=\"0.005\"} 0");
        assertThat(metricsAtStart).contains("forgebus_forge_call_latency_seconds_bucket{forge=\"github\",kind=\"write\",le=\"+Inf\"} 0");
    }

    @Test
    void one_webhook_moves_the_webhook_to_action_histogram_and_logs_json_lines_naming_the_item() throws Exception {
        forge.createIssue("MyOrg", "app", 1, "Crash on save");
        forge.failNext(1, 502); // one failed attempt: its retry line is logged while the item's MDC is set
        String delivery = RunningForgebus.newDelivery();

        assertThat(forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("app", 1, "Crash on save")).statusCode())
                .isEqualTo(202);

        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", 1).contains("bug"));
        await().atMost(WITHIN).until(() -> count(forgebus.metrics(), "forgebus_webhook_to_action_seconds_count{module=\"triage\"}") == 1.0);
        String metrics = forgebus.metrics();
        assertThat(count(metrics, "forgebus_webhook_to_action_seconds_bucket{module=\"triage\",le=\"+Inf\"}")).isEqualTo(1.0);
        assertThat(count(metrics, "forgebus_forge_call_latency_seconds_count{forge=\"github\",kind=\"write\"}")).isPositive();

        List<JsonNode> lines = jsonLines(captured());
        assertThat(lines).isNotEmpty();
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.path("mdc").path("delivery_id").asText()).isEqualTo(delivery);
            assertThat(line.path("mdc").path("module").asText()).isEqualTo("triage");
            assertThat(line.path("mdc").path("repo").asText()).isEqualTo("MyOrg/app");
            assertThat(line.path("mdc").path("forge").asText()).isEqualTo("github");
        });
        String all = captured();
        assertThat(all).doesNotContain(RunningForgebus.SECRET).doesNotContain(RunningForgebus.ADMIN_TOKEN)
                .doesNotContain("e2e-forge-token");
    }

    @Test
    void the_start_logs_none_of_the_known_noisy_warnings() {
        assertThat(startLog).isNotBlank();
        assertThat(startLog).doesNotContain("TOPIC_ALREADY_EXISTS")
                .doesNotContain("Processing exception handler is not enabled for the GlobalThread")
                .doesNotContain("A restricted method")
                .doesNotContain("enable-native-access");
        // Streams' "Using an OS temp directory in the state.dir" is not on the list: it is a true
        // warning whenever the data directory is under java.io.tmpdir (a checkout in /tmp, as CI's may be).
    }

    /** The names between the markers of docs/operations.md, section Metrics. */
    private static List<String> documentedSeries() throws IOException {
        String doc = Files.readString(OPERATIONS);
        int from = doc.indexOf("<!-- metrics:present-from-start -->");
        int to = doc.indexOf("<!-- /metrics:present-from-start -->");
        assertThat(from).as("marker in docs/operations.md").isNotNegative();
        List<String> names = new ArrayList<>();
        for (String line : doc.substring(from, to).split("\n")) {
            Matcher m = Pattern.compile("^([a-z_]+)(\\{|\\s|$)").matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static boolean hasSeries(String scrape, String name) {
        return scrape.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }

    private static double count(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(-1.0);
    }

    private static List<JsonNode> jsonLines(String text) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("{")) {
                try {
                    nodes.add(Json.MAPPER.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return nodes;
    }

    private String captured() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Writes to the original stream and to {@link #captured}. */
    private final class Tee extends OutputStream {
        private final OutputStream original;

        Tee(OutputStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) throws IOException {
            original.write(b);
            synchronized (captured) {
                captured.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            original.write(b, off, len);
            synchronized (captured) {
                captured.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            original.flush();
        }
    }
}
