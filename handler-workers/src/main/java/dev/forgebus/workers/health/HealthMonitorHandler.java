package dev.forgebus.workers.health;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

import dev.forgebus.common.config.HealthProbe;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.ProbeSink;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Health monitor (SPEC 7.11): each tick of {@code health-monitor:<name>} probes the target once,
 * updates the probe's state in the progress store ({@link ProbeState}: failures in a row, up or
 * down, the open issue) and, only when the state changed, tells the sinks and emits
 * {@code health_down} / {@code health_up}.
 *
 * <p>The change is stored as pending before the sinks hear of it and cleared after, so a crash or a
 * failing sink in between delivers it on the retry rather than losing it; the cost is that a sink
 * may hear a change twice (the issue sink excepted, it looks at the forge first).
 */
public final class HealthMonitorHandler implements ModuleHandler {
    private static final String KEY_PREFIX = "probe:";

    private final HttpProbe prober;
    private final HttpClient webhooks;

    public HealthMonitorHandler() {
        this(new HttpProbe(), HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build());
    }

    HealthMonitorHandler(HttpProbe prober, HttpClient webhooks) {
        this.prober = prober;
        this.webhooks = webhooks;
    }

    @Override
    public ModuleId module() {
        return ModuleId.HEALTH_MONITOR;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        String job = work.envelope().payload() == null ? "" : work.envelope().payload().path("job").asText("");
        if (!job.startsWith(ScheduledJobs.HEALTH_MONITOR)) {
            return Result.done("not a health monitor tick");
        }
        String name = job.substring(ScheduledJobs.HEALTH_MONITOR.length());
        Optional<HealthProbe> configured = context.config().healthMonitor().stream().filter(p -> p.name().equals(name)).findFirst();
        if (configured.isEmpty()) {
            return Result.done("probe " + name + " is no longer configured");
        }
        HealthProbe probe = configured.get();
        ProgressStore progress = context.progress();
        String key = KEY_PREFIX + name;
        ProbeState before = progress.get(key).map(ProbeState::decode).orElse(ProbeState.INITIAL);

        ProbeOutcome outcome = prober.probe(probe);
        ProbeState state = before.after(outcome, probe.failuresBeforeDown(), name, context.clock().instant());
        if (!state.equals(before)) {
            progress.put(key, state.encode());
        }
        if (state.pending().isEmpty()) {
            return Result.done(name + " " + (state.down() ? "down" : "up") + ": " + outcome.detail());
        }
        StateChange change = state.pending().get();
        long issue = new ProbeSinkDelivery(context.clients(), webhooks, System.out).deliver(probe, change, state.openIssue());
        emit(context, probe, change);
        progress.put(key, state.delivered(issue).encode());
        return Result.done(name + " went " + change.state() + ": " + change.detail());
    }

    /**
     * About the github_issue sink's repository when there is one (its org's notification channels
     * decide), else about no repository; the key names the change, so a retry emits the same one.
     */
    private static void emit(HandlerContext context, HealthProbe probe, StateChange change)
            throws ForgeCallException, InterruptedException {
        Notification notification = Notification.of("health:" + probe.name() + ":" + change.state() + ":" + change.at().getEpochSecond(),
                change.kind(), "Health probe " + probe.name() + " is " + change.state(), cut(change.detail()));
        Optional<RepoRef> about = probe.sinks().stream().filter(ProbeSink.Issue.class::isInstance)
                .map(s -> ((ProbeSink.Issue) s).repository()).findFirst();
        if (about.isPresent()) {
            context.emit(notification, about.get().forgeId(), about.get().owner(), about.get().repo());
        } else {
            context.emit(notification);
        }
    }

    private static String cut(String text) {
        return text.length() > Notification.MAX_TEXT ? text.substring(0, Notification.MAX_TEXT) : text;
    }
}
