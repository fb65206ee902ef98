package dev.forgebus.app.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.Rejection;
import dev.forgebus.common.event.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * The {@code /admin} surface (SPEC 4). Every route requires {@code Authorization: Bearer
 * <admin.token>}, compared in constant time; without a configured token the routes are not
 * registered at all (404), so an unset token can never mean "open". Failed token attempts are
 * counted per client address ({@link FailedTokenAttempts}): past the limit the address gets
 * 429 with {@code Retry-After}, its token not even compared. Input is read strictly and every
 * refusal is answered here, in one place: 400 or 413 naming the field, 503 when Kafka does not
 * answer (or a topic is missing), and a bare 500 (details in the log only) for our own faults.
 */
public final class AdminRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    /** The gateway's shape of a delivery id: anything else cannot have a trace. */
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._:@+=-]{1,200}");

    private final Secret token;
    private final DeliveryLookup traces;
    private final DeadLetterAdmin deadLetters;
    private final FailedTokenAttempts failures;
    private final Optional<JobAdmin> jobs;
    private final Optional<MigrationAdmin> migrations;
    private Optional<OperatingStats> stats = Optional.empty();
    private Optional<ConfigAdmin> configs = Optional.empty();
    /** What a search of recent deliveries may contain: a delivery id's characters and {@code /} of owner/repo. */
    private static final Pattern DELIVERY_QUERY = Pattern.compile("[A-Za-z0-9._:@+=/-]{0,200}");
    /** Digits of a limit: bounded before parsing, so no value overflows an int. */
    private static final Pattern LIMIT = Pattern.compile("[0-9]{1,7}");
    static final int RECENT_DEFAULT = 50;
    static final int RECENT_MAX = 500;

    public AdminRoutes(Secret token, DeliveryLookup traces, DeadLetterAdmin deadLetters) {
        this(token, traces, deadLetters, FailedTokenAttempts.withDefaults());
    }

    AdminRoutes(Secret token, DeliveryLookup traces, DeadLetterAdmin deadLetters, FailedTokenAttempts failures) {
        this(token, traces, deadLetters, failures, Optional.empty());
    }

    /** With {@code /admin/jobs} routes, answered by {@code jobs}. */
    public AdminRoutes(Secret token, DeliveryLookup traces, DeadLetterAdmin deadLetters, JobAdmin jobs) {
        this(token, traces, deadLetters, FailedTokenAttempts.withDefaults(), Optional.of(jobs));
    }

    /** With {@code /admin/jobs} and {@code /admin/migrations} routes. */
    public AdminRoutes(Secret token, DeliveryLookup traces, DeadLetterAdmin deadLetters, JobAdmin jobs, MigrationAdmin migrations) {
        this(token, traces, deadLetters, FailedTokenAttempts.withDefaults(), Optional.of(jobs), Optional.of(migrations));
    }

    AdminRoutes(Secret token, DeliveryLookup traces, DeadLetterAdmin deadLetters, FailedTokenAttempts failures,
                Optional<JobAdmin> jobs) {
        this(token, traces, deadLetters, failures, jobs, Optional.empty());
    }

    AdminRoutes(Secret token, DeliveryLookup traces, DeadLetterAdmin deadLetters, FailedTokenAttempts failures,
                Optional<JobAdmin> jobs, Optional<MigrationAdmin> migrations) {
        this.migrations = migrations;
        this.token = token;
        this.traces = traces;
        this.deadLetters = deadLetters;
        this.failures = failures;
        this.jobs = jobs;
    }

    /** Also answers {@code /admin/stats} and {@code /admin/budgets} (the dashboard's overview and budgets). */
    public AdminRoutes withStats(OperatingStats operatingStats) {
        this.stats = Optional.of(operatingStats);
        return this;
    }

    /** Also answers {@code /admin/config/{forge}/{owner}/{repo}} (effective settings with provenance). */
    public AdminRoutes withConfig(ConfigAdmin configAdmin) {
        this.configs = Optional.of(configAdmin);
        return this;
    }

    public void register(RoutesConfig routes) {
        configs.ifPresent(c -> routes.get("/admin/config/{forge}/{owner}/{repo}", guarded(c::show)));
        routes.get("/admin/deliveries", guarded(this::recentDeliveries));
        routes.get("/admin/deliveries/{id}", guarded(this::delivery));
        stats.ifPresent(s -> {
            routes.get("/admin/stats", guarded(s::stats));
            routes.get("/admin/budgets", guarded(s::budgets));
        });
        routes.get("/admin/rejections", guarded(this::rejections));
        routes.get("/admin/dlq", guarded(deadLetters::list));
        routes.post("/admin/dlq/replay", guarded(deadLetters::replay));
        jobs.ifPresent(j -> {
            routes.get("/admin/jobs", guarded(j::list));
            routes.post("/admin/jobs/{name}/run", guarded(j::run));
        });
        migrations.ifPresent(m -> {
            routes.get("/admin/migrations", guarded(m::list));
            routes.post("/admin/migrations/{service}/apply", guarded(m::apply));
        });
    }

    private void delivery(Context ctx) {
        onlyQueryParameters(ctx, Set.of());
        String id = ctx.pathParam("id");
        if (!DELIVERY_ID.matcher(id).matches()) {
            throw AdminRejection.badRequest("a delivery id is 1 to 200 of A-Z a-z 0-9 . _ : @ + = -");
        }
        var found = traces.find(id);
        List<Rejection> refused = traces.rejectionsOf(id);
        if (!refused.isEmpty()) {
            // The gateway refused it (perhaps before accepting a redelivery): say so next to any trace.
            json(ctx, 200, Map.of("delivery", id, "rejections", refused, "traces", found));
            return;
        }
        if (found.isEmpty()) {
            json(ctx, 404, Map.of("status", "not_found", "message", "no trace of this delivery (yet), and no rejection"));
            return;
        }
        json(ctx, 200, found.size() == 1 ? found.get(0) : found);
    }

    /** {@code GET /admin/deliveries?q=&limit=}: recent deliveries, newest first, each with its whole trace. */
    private void recentDeliveries(Context ctx) {
        onlyQueryParameters(ctx, Set.of("q", "limit"));
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q");
        if (!DELIVERY_QUERY.matcher(q).matches()) {
            throw AdminRejection.badRequest("q is up to 200 of A-Z a-z 0-9 . _ : @ + = - / (a delivery id or owner/repo, or part of one)");
        }
        int limit = limit(ctx, RECENT_DEFAULT, RECENT_MAX);
        List<Map<String, Object>> rows = traces.recent(q, limit).stream().map(t -> {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("forge", t.forge());
            row.put("delivery", t.delivery());
            row.put("repository", t.repository());
            row.put("sightings", t.sightings());
            row.put("outcomes", t.outcomes());
            return row;
        }).toList();
        json(ctx, 200, Map.of("count", rows.size(), "deliveries", rows));
    }

    /** Most rejections one answer lists. */
    static final int MAX_REJECTIONS_LISTED = 500;
    private static final Pattern FORGE_ID = Pattern.compile("[A-Za-z0-9._:@+=?\\[\\]-]{1,64}");

    /** {@code GET /admin/rejections?forge=&since=&limit=}: newest first, at most {@value #MAX_REJECTIONS_LISTED}. */
    private void rejections(Context ctx) {
        onlyQueryParameters(ctx, Set.of("forge", "since", "limit"));
        Optional<String> forge = queryParameter(ctx, "forge");
        if (forge.isPresent() && !FORGE_ID.matcher(forge.get()).matches()) {
            throw AdminRejection.badRequest("forge is a forge id as in the webhook URL");
        }
        Optional<Instant> since = queryParameter(ctx, "since").map(ReplayRequestReader::instant);
        int limit = limit(ctx, 100, MAX_REJECTIONS_LISTED);
        json(ctx, 200, Map.of("rejections", traces.rejections(forge, since, limit)));
    }

    /** The {@code limit} query parameter, {@code fallback} when absent; a 400 unless a whole number from 1 to {@code max}. */
    static int limit(Context ctx, int fallback, int max) {
        return queryParameter(ctx, "limit").map(v -> {
            if (!LIMIT.matcher(v).matches() || Integer.parseInt(v) < 1 || Integer.parseInt(v) > max) {
                throw AdminRejection.badRequest("limit must be a whole number from 1 to " + max);
            }
            return Integer.parseInt(v);
        }).orElse(fallback);
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            String address = ctx.req().getRemoteAddr();
            Optional<Duration> refused = failures.refusedFor(address);
            if (refused.isPresent()) {
                long seconds = Math.max(1, (refused.get().toMillis() + 999) / 1000);
                ctx.header("Retry-After", Long.toString(seconds));
                json(ctx, 429, Map.of("status", "too_many_requests", "message",
                        "too many failed admin token attempts from this address; retry in " + seconds + " s"));
                return;
            }
            if (!authorised(ctx.header("Authorization"))) {
                failures.failed(address);
                ctx.header("WWW-Authenticate", "Bearer");
                json(ctx, 401, Map.of("status", "unauthorized", "message", "admin routes need Authorization: Bearer <admin.token>"));
                return;
            }
            try {
                handler.handle(ctx);
            } catch (AdminRejection e) {
                json(ctx, e.status(), Map.of("status", e.code(), "message", e.getMessage()));
            } catch (IllegalArgumentException e) {
                json(ctx, 400, Map.of("status", "bad_request", "message", String.valueOf(e.getMessage())));
            } catch (KafkaException | IllegalStateException e) {
                LOG.warn("admin {} {}: Kafka did not answer: {}", ctx.method(), ctx.path(), e.toString());
                json(ctx, 503, Map.of("status", "unavailable", "message", "Kafka: " + String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                LOG.error("admin {} {} failed", ctx.method(), ctx.path(), e);
                json(ctx, 500, Map.of("status", "error", "message", "internal error; see the forgebus log"));
            }
        };
    }

    private boolean authorised(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] presented = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token.reveal().getBytes(StandardCharsets.UTF_8));
    }

    /** Refuses query parameters other than {@code allowed}, and any given twice. */
    static void onlyQueryParameters(Context ctx, Set<String> allowed) {
        for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
            if (!allowed.contains(p.getKey())) {
                throw AdminRejection.badRequest("unknown query parameter '" + ReplayRequestReader.printable(p.getKey()) + "'"
                        + (allowed.isEmpty() ? "; this route takes none" : "; allowed: " + String.join(", ", allowed.stream().sorted().toList())));
            }
            if (p.getValue().size() > 1) {
                throw AdminRejection.badRequest("query parameter '" + p.getKey() + "' given more than once");
            }
        }
    }

    /** A query parameter's one value; empty when absent. An empty value is a mistake, not "absent". */
    static Optional<String> queryParameter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isEmpty()) {
            throw AdminRejection.badRequest("query parameter '" + name + "' is empty");
        }
        return Optional.of(value);
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
