package dev.forgebus.workers.crondispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.FakeForge.Flavor;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.workers.Emitter;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.MapProgressStore;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/** The sweep of one tick against a fake GitHub through the real client, with a clock the test moves. */
class CronDispatchHandlerTest {

    private static final String TICK = "cron:cron-dispatch:codeql@2026-11-30T02:00:00Z";
    private static final String MANUAL = "manual:cron-dispatch:codeql@1796004000000";
    private static final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T02:00:00Z"));
    private static final Map<String, String> progress = new ConcurrentHashMap<>();
    private static FakeForge github;
    private static HandlerServices services;
    private final CronDispatchHandler handler = new CronDispatchHandler();

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(Flavor.GITHUB, clock);
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: t }
                orgs:
                  MyOrg: { forge: gh, repositories: { c: {}, a: {}, b: {} } }
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 * * *", workflow: codeql.yml, repos: ["MyOrg/*"], wait_for_completion: true, run_timeout: 30m }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
        DefaultForgeClients clients = new DefaultForgeClients(config, CallGate.OPEN,
                ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC()));
        ProgressStore store = new MapProgressStore(progress);
        services = new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients), Emitter.NONE, module -> store)
                .forModule(ModuleId.CRON_DISPATCH);
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        progress.clear();
        for (String repo : List.of("a", "b", "c")) {
            github.createRepository("MyOrg", repo);
        }
    }

    @Test
    void a_tick_dispatches_the_first_repository_on_its_default_branch_and_waits_for_its_run() throws Exception {
        Result result = tick(false);

        assertThat(result).isInstanceOf(Result.RecheckAfter.class);
        assertThat(((Result.RecheckAfter) result).reason()).contains("gh:MyOrg/a");
        assertThat(github.workflowDispatches("MyOrg", "a")).singleElement()
                .satisfies(d -> assertThat(List.of(d.workflow(), d.ref())).containsExactly("codeql.yml", "main"));
        assertThat(github.workflowDispatches("MyOrg", "b")).isEmpty();
        assertThat(github.workflowDispatches("MyOrg", "c")).isEmpty();
    }

    @Test
    void a_recheck_while_the_run_is_going_dispatches_nothing_more() throws Exception {
        tick(false);
        clock.advance(Duration.ofSeconds(5));

        assertThat(tick(true)).isInstanceOf(Result.RecheckAfter.class);
        assertThat(github.workflowDispatches("MyOrg", "a")).hasSize(1);
        assertThat(github.workflowDispatches("MyOrg", "b")).isEmpty();
    }

    @Test
    void each_repository_is_dispatched_after_the_previous_run_completed_and_the_progress_goes_when_all_are_done() throws Exception {
        tick(false);
        for (String repo : List.of("a", "b", "c")) {
            assertThat(github.workflowDispatches("MyOrg", repo)).as(repo).hasSize(1);
            github.completeWorkflowRuns("MyOrg", repo, "codeql.yml", "success");
            clock.advance(Duration.ofSeconds(5));
            Result result = tick(true);
            if (!repo.equals("c")) {
                assertThat(result).isInstanceOf(Result.RecheckAfter.class);
            } else {
                assertThat(result).isInstanceOf(Result.Done.class);
                assertThat(((Result.Done) result).note()).contains("3 repositories", "completed 3");
            }
        }
        assertThat(progress).isEmpty();
    }

    @Test
    void a_repository_without_the_workflow_is_its_own_outcome_and_the_sweep_goes_on() throws Exception {
        github.removeWorkflow("MyOrg", "a", "codeql.yml");

        Result result = tick(false);

        assertThat(github.workflowDispatches("MyOrg", "a")).isEmpty();
        assertThat(github.workflowDispatches("MyOrg", "b")).hasSize(1);
        assertThat(((Result.RecheckAfter) result).reason()).contains("gh:MyOrg/b");
        assertThat(progress.get(TICK)).contains("\"missing_workflow\":1");
    }

    @Test
    void a_run_that_never_completes_is_a_timeout_after_run_timeout_and_the_next_repository_is_dispatched() throws Exception {
        tick(false);
        clock.advance(Duration.ofMinutes(29));
        assertThat(tick(true)).isInstanceOf(Result.RecheckAfter.class);
        assertThat(github.workflowDispatches("MyOrg", "b")).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        tick(true);

        assertThat(github.workflowDispatches("MyOrg", "b")).hasSize(1);
        assertThat(progress.get(TICK)).contains("\"timed_out\":1");
    }

    @Test
    void a_dispatch_whose_run_never_starts_is_a_timeout_after_run_timeout_and_the_next_repository_is_dispatched() throws Exception {
        // Given a forge that accepts a's dispatch but never starts a run for it
        github.startNoRuns("MyOrg", "a", "codeql.yml");
        Instant timeout = clock.instant().plus(Duration.ofMinutes(30));
        assertThat(tick(false)).isInstanceOf(Result.RecheckAfter.class);
        assertThat(github.workflowDispatches("MyOrg", "a")).hasSize(1);

        // When the clock passes on, polls before run_timeout (30m) keep waiting and dispatch nothing more
        int polls = 0;
        while (clock.instant().isBefore(timeout)) {
            Result r = tick(true);
            assertThat(r).as("poll at %s", clock.instant()).isInstanceOf(Result.RecheckAfter.class);
            assertThat(github.workflowDispatches("MyOrg", "b")).isEmpty();
            clock.advance(((Result.RecheckAfter) r).after());
            polls++;
        }
        tick(true);

        // Then a is timed out (not dispatched again), b is dispatched, within a bounded number of polls
        assertThat(github.workflowDispatches("MyOrg", "a")).hasSize(1);
        assertThat(github.workflowDispatches("MyOrg", "b")).hasSize(1);
        assertThat(progress.get(TICK)).contains("\"timed_out\":1");
        assertThat(polls).isBetween(2, 30);
    }

    @Test
    void a_redelivery_after_a_crash_between_recording_and_dispatching_does_not_dispatch_twice() throws Exception {
        tick(false);
        // The crash: the dispatch reached the forge but its acceptance was not recorded.
        SweepState recorded = SweepState.fromJson(progress.get(TICK));
        SweepState lost = new SweepState(recorded.doneThrough(),
                Optional.of(new SweepState.InFlight(new RepoRef("gh", "MyOrg", "a"), recorded.inFlight().orElseThrow().since(), false)),
                recorded.counts());
        progress.put(TICK, lost.toJson());

        tick(false);

        assertThat(github.workflowDispatches("MyOrg", "a")).hasSize(1);
        assertThat(SweepState.fromJson(progress.get(TICK)).inFlight()).hasValueSatisfying(f -> assertThat(f.dispatched()).isTrue());
    }

    @Test
    void a_second_tick_of_the_job_while_a_sweep_goes_on_is_done_at_once_and_dispatches_nothing() throws Exception {
        tick(false);

        Result manual = tick(MANUAL, false);

        assertThat(manual).isInstanceOf(Result.Done.class);
        assertThat(((Result.Done) manual).note()).contains("skipped", TICK);
        assertThat(github.workflowDispatches("MyOrg", "a")).hasSize(1);
        assertThat(progress).doesNotContainKey(MANUAL);
    }

    @Test
    void a_sweep_abandoned_for_half_an_hour_is_taken_over_by_the_next_tick_and_nothing_stays_in_the_store() throws Exception {
        tick(false);
        clock.advance(SweepLock.ABANDONED_AFTER);

        assertThat(tick(MANUAL, false)).isInstanceOf(Result.RecheckAfter.class);
        assertThat(github.workflowDispatches("MyOrg", "a")).hasSize(2);
        assertThat(progress).doesNotContainKey(TICK);

        for (String repo : List.of("a", "b", "c")) {
            github.completeWorkflowRuns("MyOrg", repo, "codeql.yml", "success");
            clock.advance(Duration.ofSeconds(5));
            tick(MANUAL, true);
        }
        assertThat(progress).isEmpty();
    }

    private Result tick(boolean recheck) throws Exception {
        return tick(TICK, recheck);
    }

    private Result tick(String delivery, boolean recheck) throws Exception {
        EventEnvelope envelope = new EventEnvelope("scheduler", "scheduler", delivery, "schedule", "", "", "", "", clock.instant(),
                List.of(), Json.MAPPER.readTree("{\"job\":\"cron-dispatch:codeql\",\"module\":\"cron-dispatch\"}"));
        WorkItem item = new WorkItem(envelope, 1, Optional.empty(), recheck, recheck ? 1 : 0);
        return handler.handle(item, services.contextFor(envelope, clock));
    }

    /** A clock the test moves; the fake forge reads the same one, so run times and the handler agree. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
