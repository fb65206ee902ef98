package dev.forgebus.fakeforge;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's webhook delivery log: {@code GET .../deliveries} (newest first, cursor pagination with
 * a {@code Link} header) and {@code POST .../deliveries/{id}/attempts} (202; GitHub then delivers
 * again under the same guid, listed with {@code redelivery: true}). For repository hooks
 * ({@code /repos/{o}/{r}/hooks/{id}}), org hooks ({@code /orgs/{org}/hooks/{id}}) and the App's
 * hook ({@code /app/hook}). Kept apart from {@link GitHubApi}'s issue routes because it is its own
 * small state: a log per hook, which tests fill directly.
 *
 * <p>A redelivery does not actually POST anything: the new attempt is recorded with the status
 * the test set ({@link #redeliveryStatus}), which is what the recovery job reads back.
 */
final class GitHubHookDeliveries {

    private static final Pattern LIST = Pattern.compile("(/repos/[^/]+/[^/]+/hooks/\\d+|/orgs/[^/]+/hooks/\\d+|/app/hook)/deliveries");
    private static final Pattern ATTEMPTS = Pattern.compile(
            "(/repos/[^/]+/[^/]+/hooks/\\d+|/orgs/[^/]+/hooks/\\d+|/app/hook)/deliveries/(\\d{1,18})/attempts");
    private static final int DEFAULT_PAGE_SIZE = 30;

    /** One attempt as GitHub lists it. */
    record Delivery(long id, String guid, Instant deliveredAt, boolean redelivery, int statusCode, String event) {
    }

    private final String apiUrl;
    private final Clock clock;
    private final ForgeApi errors;
    // Guarded by this:
    private final Map<String, List<Delivery>> byHook = new LinkedHashMap<>();
    private final Map<String, List<Long>> redeliveryRequests = new LinkedHashMap<>();
    private long nextId = 1_000;
    private int redeliveryStatus = 200;

    GitHubHookDeliveries(String apiUrl, Clock clock, ForgeApi errors) {
        this.apiUrl = apiUrl;
        this.clock = clock;
        this.errors = errors;
    }

    /** Answers a deliveries route; empty for every other path, which the caller then serves. */
    Optional<Reply> handle(RecordedRequest request, String path) {
        Matcher attempts = ATTEMPTS.matcher(path);
        if (attempts.matches() && request.method().equalsIgnoreCase("POST")) {
            return Optional.of(redeliver(attempts.group(1), Long.parseLong(attempts.group(2))));
        }
        Matcher list = LIST.matcher(path);
        if (list.matches() && request.method().equalsIgnoreCase("GET")) {
            return Optional.of(list(list.group(1), path, ForgeApi.queryParameters(request.query())));
        }
        return Optional.empty();
    }

    /** Adds an attempt to {@code hookPath}'s log ({@code /repos/o/r/hooks/1}, {@code /orgs/o/hooks/2}, {@code /app/hook}). */
    synchronized long add(String hookPath, String guid, String event, int statusCode, Instant deliveredAt,
                          boolean redelivery) {
        long id = nextId++;
        byHook.computeIfAbsent(hookPath, k -> new ArrayList<>())
                .add(new Delivery(id, guid, deliveredAt.truncatedTo(ChronoUnit.SECONDS), redelivery, statusCode, event));
        return id;
    }

    /** The delivery ids redelivery was asked for on {@code hookPath}, in order. */
    synchronized List<Long> redeliveryRequests(String hookPath) {
        return List.copyOf(redeliveryRequests.getOrDefault(hookPath, List.of()));
    }

    synchronized List<Delivery> deliveries(String hookPath) {
        return List.copyOf(byHook.getOrDefault(hookPath, List.of()));
    }

    /** The status our endpoint "answers" to the redeliveries asked from now on. */
    synchronized void redeliveryStatus(int status) {
        redeliveryStatus = status;
    }

    synchronized void reset() {
        byHook.clear();
        redeliveryRequests.clear();
        redeliveryStatus = 200;
    }

    private synchronized Reply redeliver(String hookPath, long deliveryId) {
        Optional<Delivery> original = byHook.getOrDefault(hookPath, List.of()).stream()
                .filter(d -> d.id() == deliveryId).findFirst();
        if (original.isEmpty()) {
            return errors.error(404, "Not Found");
        }
        redeliveryRequests.computeIfAbsent(hookPath, k -> new ArrayList<>()).add(deliveryId);
        add(hookPath, original.get().guid(), original.get().event(), redeliveryStatus, clock.instant(), true);
        return Reply.json(202, Map.of());
    }

    /** Newest first; {@code cursor} is the id after which the page starts (GitHub's cursors are opaque). */
    private synchronized Reply list(String hookPath, String path, Map<String, String> query) {
        List<Delivery> all = new ArrayList<>(byHook.getOrDefault(hookPath, List.of()));
        all.sort(Comparator.comparing(Delivery::deliveredAt).thenComparing(Delivery::id).reversed());
        int size = Math.min(ForgeApi.positive(query, "per_page", DEFAULT_PAGE_SIZE), 100);
        int from = 0;
        if (query.containsKey("cursor")) {
            long after = Long.parseLong(query.get("cursor"));
            while (from < all.size() && all.get(from).id() != after) {
                from++;
            }
            from++;
        }
        List<Delivery> page = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + size));
        List<Map<String, Object>> json = new ArrayList<>();
        for (Delivery d : page) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("guid", d.guid());
            m.put("delivered_at", d.deliveredAt().toString());
            m.put("redelivery", d.redelivery());
            m.put("duration", 0.05);
            m.put("status", d.statusCode() >= 200 && d.statusCode() < 300 ? "OK" : "Invalid HTTP Response: " + d.statusCode());
            m.put("status_code", d.statusCode());
            m.put("event", d.event());
            m.put("action", null);
            m.put("installation_id", null);
            m.put("repository_id", null);
            json.add(m);
        }
        Reply reply = Reply.json(200, json);
        if (from + size < all.size()) {
            String next = apiUrl + path + "?per_page=" + size + "&cursor=" + page.get(page.size() - 1).id();
            reply = reply.withHeaders(Map.of("Link", "<" + next + ">; rel=\"next\""));
        }
        return reply;
    }
}
