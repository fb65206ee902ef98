package dev.forgebus.workers.crondispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.CronDispatchJob;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.WorkflowRun;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.crondispatch.SweepState.Outcome;

/**
 * SPEC 7.5: a tick of job {@code cron-dispatch:<name>} dispatches the job's workflow on each
 * matching repository in a fixed order, one at a time. With {@code wait_for_completion} it asks a
 * re-check after each dispatch and looks at the run on each re-check until it completed or
 * {@code run_timeout} passed, then moves on. Where it is lives in the progress store under the
 * tick's delivery id, written before each step, so a restart (or a redelivery) continues at the
 * repository in flight and never dispatches one twice: a dispatch whose acceptance was not
 * recorded is looked for (a run since it) before being sent again. A repository without the
 * workflow (404) is that repository's outcome; the sweep goes on. The progress is removed when the
 * sweep is done. One sweep per job at a time ({@link SweepLock}): a tick arriving while another
 * tick's sweep of the same job goes on (a manual run, the scheduler's catch-up slot at start-up) is
 * done at once, dispatching nothing.
 */
public final class CronDispatchHandler implements ModuleHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CronDispatchHandler.class);
    /** Forge and worker clocks differ: a run created this much before the dispatch still counts as its run. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(10);

    @Override
    public ModuleId module() {
        return ModuleId.CRON_DISPATCH;
    }

    @Override
    public Result handle(WorkItem item, HandlerContext context) throws ForgeCallException, InterruptedException {
        String jobName = item.envelope().payload() == null ? "" : item.envelope().payload().path("job").asText("");
        if (!jobName.startsWith(ScheduledJobs.CRON_DISPATCH)) {
            throw InvalidInputException.payload("not a cron-dispatch tick: job '" + jobName + "'");
        }
        String name = jobName.substring(ScheduledJobs.CRON_DISPATCH.length());
        String key = item.envelope().deliveryId();
        Optional<CronDispatchJob> configured = context.config().cronDispatch().stream()
                .filter(j -> j.name().equals(name)).findFirst();
        if (configured.isEmpty()) {
            context.progress().remove(key);
            return Result.done("job " + jobName + " is no longer configured");
        }
        CronDispatchJob job = configured.get();
        String lockKey = SweepLock.key(jobName);
        if (!holdLock(context, lockKey, key)) {
            context.progress().remove(key);
            String holder = context.progress().get(lockKey).map(SweepLock::fromJson).map(SweepLock::tick).orElse("another tick");
            return Result.done(jobName + ": skipped, the sweep of " + holder + " is in progress");
        }
        List<RepoRef> targets = DispatchTargets.of(context.config(), job);
        SweepState state = context.progress().get(key).map(SweepState::fromJson).orElse(SweepState.START);
        boolean justRecorded = false;
        while (true) {
            Instant now = context.clock().instant();
            if (state.inFlight().isPresent()) {
                SweepState.InFlight f = state.inFlight().get();
                ForgeClient client = context.clients().forOwner(f.repo().forgeId(), f.repo().owner());
                if (!f.dispatched()) {
                    // The acceptance was not recorded: a run since then means the forge got it.
                    if (justRecorded || client.latestWorkflowRun(f.repo(), job.workflow(), f.since().minus(CLOCK_SKEW)).isEmpty()) {
                        Optional<Outcome> refused = dispatch(client, f.repo(), job);
                        if (refused.isPresent()) {
                            state = finish(context, key, state, f.repo(), refused.get());
                            continue;
                        }
                    }
                    justRecorded = false;
                    state = state.dispatched();
                    if (!job.waitForCompletion()) {
                        state = finish(context, key, state, f.repo(), Outcome.DISPATCHED);
                        continue;
                    }
                    context.progress().put(key, state.toJson());
                    return Result.recheckAfter(PollBackoff.next(Duration.ZERO, job.runTimeout()),
                            "waiting for run of " + job.workflow() + " on " + f.repo());
                }
                Optional<WorkflowRun> run = client.latestWorkflowRun(f.repo(), job.workflow(), f.since().minus(CLOCK_SKEW));
                if (run.isPresent() && run.get().completed()) {
                    state = finish(context, key, state, f.repo(), run.get().succeeded() ? Outcome.COMPLETED : Outcome.FAILED);
                    continue;
                }
                if (state.timedOut(now, job.runTimeout())) {
                    // A run that never started is a timeout too.
                    state = finish(context, key, state, f.repo(), Outcome.TIMED_OUT);
                    continue;
                }
                return Result.recheckAfter(PollBackoff.next(Duration.between(f.since(), now), job.runTimeout()),
                        "waiting for run of " + job.workflow() + " on " + f.repo());
            }
            Optional<RepoRef> next = DispatchTargets.after(targets, state.doneThrough());
            if (next.isEmpty()) {
                context.progress().remove(key);
                context.progress().remove(lockKey);
                return Result.done(jobName + ": " + targets.size() + " repositories; " + state.counts());
            }
            state = state.dispatching(next.get(), now);
            context.progress().put(key, state.toJson());
            justRecorded = true;
        }
    }

    /**
     * Takes or refreshes the job's lock for this tick; false when another tick's sweep holds it. The
     * store has no compare-and-set: the lock is written, then read back, and the later write wins for
     * both of two ticks racing for it, unless one read back before the other wrote (a window of one
     * store round trip, documented).
     */
    private static boolean holdLock(HandlerContext context, String lockKey, String tick)
            throws ForgeCallException, InterruptedException {
        Instant now = context.clock().instant();
        Optional<SweepLock> held = context.progress().get(lockKey).map(SweepLock::fromJson);
        if (!SweepLock.allows(held, tick, now)) {
            return false;
        }
        context.progress().put(lockKey, new SweepLock(tick, now).toJson());
        if (held.isPresent() && held.get().tick().equals(tick)) {
            return true;
        }
        boolean mine = context.progress().get(lockKey).map(SweepLock::fromJson).map(l -> l.tick().equals(tick)).orElse(false);
        if (mine && held.isPresent()) {
            // Taken over from an abandoned sweep: its position would otherwise stay in the store for good.
            context.progress().remove(held.get().tick());
        }
        return mine;
    }

    /** Sends the dispatch; the outcome when the forge refused it for this repository alone (no such workflow). */
    private static Optional<Outcome> dispatch(ForgeClient client, RepoRef repo, CronDispatchJob job)
            throws ForgeCallException, InterruptedException {
        try {
            String ref = job.ref().isPresent() ? job.ref().get() : client.defaultBranch(repo);
            client.dispatchWorkflow(repo, job.workflow(), ref, Map.of());
            return Optional.empty();
        } catch (ForgeCallException e) {
            if (e.kind() == ForgeCallException.Kind.PERMANENT && (e.status() == 404 || e.status() == 422)) {
                // 404: no such workflow (or repository); 422: a workflow without workflow_dispatch. Its own outcome.
                return Optional.of(Outcome.MISSING_WORKFLOW);
            }
            throw e;
        }
    }

    private static SweepState finish(HandlerContext context, String key, SweepState state, RepoRef repo, Outcome outcome)
            throws ForgeCallException, InterruptedException {
        LOG.info("cron-dispatch {}: {} {}", key, repo, outcome);
        SweepState next = state.finished(repo, outcome);
        context.progress().put(key, next.toJson());
        return next;
    }
}
