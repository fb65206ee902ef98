package dev.forgebus.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.gateway.HttpServer;
import dev.forgebus.workers.dlq.DeadLetters;
import dev.forgebus.workers.runtime.WorkerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The dashboard's files and the admin routes it reads, on a real HTTP server without Kafka: the
 * files need no token and carry a strict CSP; the data routes keep theirs.
 */
class DashboardRoutesTest {
    private static final String TOKEN = "dashboard-routes-test-token";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private DeadLetters deadLetters;
    private OperatingStats stats;
    private HttpServer server;

    private static DeliveryTrace trace(String id, String repo, long millisToOutcome) {
        DedupDecision seen = new DedupDecision("gh", id, "gh/MyOrg/" + repo, "MyOrg", repo, "issues", "opened", T0, T0, false, List.of());
        return new DeliveryTrace("gh", id, List.of(seen),
                List.of(new WorkOutcome("gh", id, "triage", WorkOutcome.Status.DONE, 1, "", T0.plusMillis(millisToOutcome))));
    }

    @BeforeEach
    void start() {
        deadLetters = new DeadLetters("127.0.0.1:1", new TopicNames("dashtest"), java.time.Duration.ofMillis(300),
                WorkerSettings.DEFAULT_MAX_RECORD_BYTES);
        List<DeliveryTrace> all = List.of(trace("d-3", "api", 300), trace("d-2", "app", 200), trace("d-1", "app", 100));
        DeliveryLookup traces = new DeliveryLookup() {
            @Override
            public List<DeliveryTrace> find(String id) {
                return all.stream().filter(t -> t.delivery().equals(id)).toList();
            }

            @Override
            public List<DeliveryTrace> recent(String query, int limit) {
                return all.stream().filter(t -> t.delivery().contains(query) || t.repository().contains(query)).limit(limit).toList();
            }
        };
        stats = OperatingStats.manual(registry, traces, Clock.fixed(T0, ZoneOffset.UTC));
        var routes = new AdminRoutes(Secret.of(TOKEN), traces, new DeadLetterAdmin(deadLetters)).withStats(stats);
        server = HttpServer.start(dev.forgebus.gateway.BoundPort.bind("127.0.0.1", 0), dev.forgebus.common.config.ServerConfig.defaults(),
                HttpServer.Refusals.NONE, List.of(routes::register, new DashboardRoutes()::register));
    }

    @AfterEach
    void stop() {
        server.close();
        deadLetters.close();
        stats.close();
    }

    @Test
    void the_dashboard_files_are_served_without_a_token_with_a_csp_that_forbids_inline_script() throws Exception {
        for (String path : List.of("/dashboard", "/dashboard/", "/dashboard/index.html", "/dashboard/dashboard.js", "/dashboard/pages.js",
                "/dashboard/api.js", "/dashboard/dom.js", "/dashboard/dashboard.css")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        assertThat(get("/dashboard/", null).body()).contains("<script type=\"module\" src=\"/dashboard/dashboard.js\">");
        assertThat(get("/dashboard/../pom.xml", null).statusCode()).isIn(400, 404);
        assertThat(get("/dashboard/AdminRoutes.class", null).statusCode()).isEqualTo(404);
    }

    @Test
    void no_dashboard_script_writes_markup_or_puts_the_token_anywhere_but_a_header() throws Exception {
        for (String file : List.of("dashboard.js", "pages.js", "api.js", "dom.js")) {
            String js = get("/dashboard/" + file, null).body();
            assertThat(js).as(file).doesNotContain("innerHTML =").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                    .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("localStorage").doesNotContain("document.cookie");
        }
        String html = get("/dashboard/", null).body();
        assertThat(Pattern.compile("<script(?![^>]*src=)").matcher(html).find()).as("inline script").isFalse();
        assertThat(html).doesNotContain(" style=").doesNotContain("<style");
    }

    @Test
    void the_data_routes_keep_their_token() throws Exception {
        for (String path : List.of("/admin/deliveries", "/admin/stats", "/admin/budgets")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, TOKEN).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void recent_deliveries_are_searched_by_delivery_id_or_repository_and_bad_queries_are_refused() throws Exception {
        assertThat(get("/admin/deliveries", TOKEN).body()).contains("\"count\":3");
        String app = get("/admin/deliveries?q=MyOrg/app", TOKEN).body();
        assertThat(app).contains("\"count\":2").contains("d-1").contains("d-2").doesNotContain("d-3");
        assertThat(get("/admin/deliveries?q=d-3", TOKEN).body()).contains("\"count\":1").contains("\"repository\":\"MyOrg/api\"");
        assertThat(get("/admin/deliveries?q=%3Cscript%3E", TOKEN).statusCode()).isEqualTo(400);
        assertThat(get("/admin/deliveries?limit=0", TOKEN).statusCode()).isEqualTo(400);
        assertThat(get("/admin/deliveries?limit=501", TOKEN).statusCode()).isEqualTo(400);
        assertThat(get("/admin/deliveries?x=1", TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void stats_count_deliveries_per_minute_by_reason_and_webhook_to_action_latency_per_module() throws Exception {
        Counter.builder("forgebus.webhooks.accepted").tag("forge", "gh").tag("event", "issues").register(registry).increment(4);
        Counter.builder("forgebus.webhooks.rejected").tag("forge", "gh").tag("reason", "bad_signature").register(registry).increment(2);

        String body = get("/admin/stats", TOKEN).body();

        assertThat(body).contains("{\"minute\":\"2026-11-30T10:00:00Z\",\"accepted\":4,\"rejected\":{\"bad_signature\":2}}");
        assertThat(body).contains("\"module\":\"triage\"").contains("\"p50Ms\":200").contains("\"maxMs\":300");
    }

    @Test
    void budgets_name_credentials_by_id_only() throws Exception {
        Counter.builder("forgebus.ratelimiter.waits").tag("credential", "github").register(registry).increment(3);

        String body = get("/admin/budgets", TOKEN).body();

        assertThat(body).isEqualTo("{\"credentials\":[{\"credential\":\"github\",\"remaining\":null,\"waits\":3,"
                + "\"refusedWhilePaused\":0,\"unbilled\":0}]}");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
