package dev.forgebus.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.schedule.JobSchedule;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.common.schedule.TickRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Scheduler ticks through the production topology: routed to their job's module only, deduplicated, traced. */
class TickRoutingTest {

    private static final TopicNames TOPICS = new TopicNames("fbtick");
    private static final Instant START = Instant.parse("2026-11-29T03:00:05Z");
    private static final Instant SLOT = Instant.parse("2026-11-29T03:00:00Z");

    @TempDir
    Path stateDir;

    private ForgebusConfig config;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;

    @BeforeEach
    void startDriver() throws Exception {
        config = ConfigLoader.parse("""
                kafka: { topic_prefix: fbtick }
                forges:
                  gh: { type: github, webhook_secret: s }
                orgs:
                  MyOrg: { forge: gh, stale_management: { schedule: "0 3 * * *" } }
                  Quiet: { forge: gh, stale_management: { enabled: false } }
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 * * *", workflow: codeql.yml, repos: ["MyOrg/*"] }
                """, "test.yml", name -> null);
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, config, TOPICS, DedupMetrics.micrometer(new SimpleMeterRegistry(), config.forges().keySet()));
        driver = Deliveries.driver(builder, "tick-routing-test", stateDir, START);
        raw = driver.createInputTopic(TOPICS.raw(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void a_tick_sent_by_two_replicas_is_one_work_item_of_its_module_only_and_traced_with_its_routing() {
        // Given the stale job of MyOrg, whose 03:00 tick both scheduler replicas write
        ScheduledJob stale = ScheduledJobs.named(config, "stale:gh:MyOrg").orElseThrow();
        send(stale, stale.tickId(SLOT));
        send(stale, stale.tickId(SLOT));

        // Then one work item in work.stale, none elsewhere, and a trace saying why
        List<EventEnvelope> work = work(ModuleId.STALE);
        assertThat(work).singleElement().satisfies(e -> {
            assertThat(e.deliveryId()).isEqualTo("cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
            assertThat(e.forge()).isEqualTo("scheduler");
            assertThat(e.owner()).isEqualTo("MyOrg");
            assertThat(e.payload().path("job").asText()).isEqualTo("stale:gh:MyOrg");
            assertThat(e.payload().path("scheduled_for").asText()).isEqualTo("2026-11-29T03:00:00Z");
        });
        assertThat(work(ModuleId.CRON_DISPATCH)).isEmpty();
        assertThat(work(ModuleId.TRIAGE)).isEmpty();
        List<DedupDecision> trace = decisions();
        assertThat(trace).extracting(DedupDecision::duplicate).containsExactly(false, true);
        assertThat(trace.get(0).key()).isEqualTo("scheduler/MyOrg");
        assertThat(trace.get(0).routes()).contains(new RouteDecision("stale", true, "scheduler tick (stale:gh:MyOrg)"),
                new RouteDecision("triage", false, "scheduler tick for stale"));
        assertThat(trace.get(0).routes()).filteredOn(RouteDecision::routed).hasSize(1);
    }

    @Test
    void a_tick_of_a_job_no_longer_configured_or_of_a_disabled_org_goes_nowhere() {
        // Given ticks of a removed cron job and of an org whose stale_management is disabled
        send(new ScheduledJob("cron-dispatch:gone", ModuleId.CRON_DISPATCH, new JobSchedule.Every(java.time.Duration.ofHours(1)), "", ""),
                "cron:cron-dispatch:gone@2026-11-29T03:00:00Z");
        send(new ScheduledJob("stale:gh:Quiet", ModuleId.STALE, new JobSchedule.Every(java.time.Duration.ofHours(1)), "gh", "Quiet"),
                "cron:stale:gh:Quiet@2026-11-29T03:00:00Z");

        // Then no work, and the trace says the job is not configured
        assertThat(work(ModuleId.CRON_DISPATCH)).isEmpty();
        assertThat(work(ModuleId.STALE)).isEmpty();
        assertThat(decisions()).extracting(d -> d.routes().stream().filter(r -> !r.reason().startsWith("scheduler tick for"))
                        .map(RouteDecision::reason).toList())
                .containsExactly(List.of("scheduler tick of a job no longer configured"),
                        List.of("scheduler tick of a job no longer configured"));
    }

    private void send(ScheduledJob job, String deliveryId) {
        ProducerRecord<String, byte[]> tick = TickRecord.of(TOPICS, job, deliveryId, SLOT, false, START);
        raw.pipeInput(new TestRecord<>(tick.key(), tick.value(), tick.headers(), START));
    }

    private List<EventEnvelope> work(ModuleId module) {
        return driver.createOutputTopic(TOPICS.work(module.id()), new StringDeserializer(), new ByteArrayDeserializer())
                .readValuesToList().stream().map(EventEnvelope::fromJson).toList();
    }

    private List<DedupDecision> decisions() {
        return driver.createOutputTopic(TOPICS.trace(), new StringDeserializer(), new ByteArrayDeserializer())
                .readValuesToList().stream().map(DedupDecision::fromJson).toList();
    }
}
