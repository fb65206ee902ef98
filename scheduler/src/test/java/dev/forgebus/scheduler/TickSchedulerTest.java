package dev.forgebus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The firing rule with an injected clock and Kafka's MockProducer: no broker, no sleeping. */
class TickSchedulerTest {

    private static final TopicNames TOPICS = new TopicNames("fbsched");

    private static ForgebusConfig config(String retention) throws Exception {
        return ConfigLoader.parse("""
                kafka: { topic_prefix: fbsched }
                dedup: { retention: %s }
                forges:
                  gh: { type: github, webhook_secret: s }
                orgs:
                  MyOrg: { forge: gh, stale_management: { schedule: "0 * * * *" } }
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", every: 15m }
                """.formatted(retention), "test.yml", name -> null);
    }

    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final TickPublisher publisher = new TickPublisher(producer, TOPICS, Duration.ofSeconds(1));

    private TickScheduler scheduler(ForgebusConfig config, MutableClock clock) {
        return new TickScheduler(() -> config, publisher, clock, new SimpleMeterRegistry());
    }

    @Test
    void each_slot_fires_once_as_the_clock_passes_it() throws Exception {
        // Given a scheduler started at 10:07:30 (the start publishes the latest past slot of each job)
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:07:30Z"));
        TickScheduler scheduler = scheduler(config("7d"), clock);
        assertThat(scheduler.runDue()).containsExactly("cron:stale:gh:MyOrg@2026-11-29T10:00:00Z",
                "cron:health-monitor:api@2026-11-29T10:00:00Z");

        // When the clock passes 10:15 and 11:00, and the loop runs twice at each
        assertThat(scheduler.nextWake()).as("never asleep for more than a minute").isEqualTo(Instant.parse("2026-11-29T10:08:30Z"));
        clock.set(Instant.parse("2026-11-29T10:14:30Z"));
        assertThat(scheduler.nextWake()).isEqualTo(Instant.parse("2026-11-29T10:15:00Z"));
        clock.set(Instant.parse("2026-11-29T10:15:00Z"));
        List<String> at1015 = scheduler.runDue();
        List<String> again = scheduler.runDue();
        clock.set(Instant.parse("2026-11-29T11:00:00.010Z"));
        List<String> at1100 = scheduler.runDue();

        // Then each slot once
        assertThat(at1015).containsExactly("cron:health-monitor:api@2026-11-29T10:15:00Z");
        assertThat(again).isEmpty();
        assertThat(at1100).containsExactly("cron:stale:gh:MyOrg@2026-11-29T11:00:00Z", "cron:health-monitor:api@2026-11-29T11:00:00Z");
        assertThat(producer.history()).hasSize(5);
    }

    @Test
    void after_a_three_hour_downtime_an_hourly_job_fires_once_not_three_times() throws Exception {
        // Given a scheduler that fired 00:00 and stopped
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:01Z"));
        scheduler(config("7d"), clock).runDue();
        producer.clear();

        // When a new one starts at 03:30 (slots 01:00, 02:00 and 03:00 were missed)
        clock.set(Instant.parse("2026-11-29T03:30:00Z"));
        scheduler(config("7d"), clock).runDue();

        // Then the stale job fires once, for the latest slot
        assertThat(producer.history()).extracting(r -> header(r, "fbsched.delivery-id"))
                .filteredOn(id -> id.contains("stale"))
                .containsExactly("cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
    }

    @Test
    void a_tick_carries_the_gateways_headers_the_scheduler_forge_and_the_job() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T03:00:00Z"));
        scheduler(config("7d"), clock).runDue();

        ProducerRecord<String, byte[]> tick = producer.history().get(0);
        assertThat(tick.topic()).isEqualTo("fbsched.raw");
        assertThat(tick.key()).isEqualTo("scheduler/MyOrg");
        assertThat(List.of("forge", "forge-type", "delivery-id", "event", "action", "owner", "repo", "sender", "received-at"))
                .extracting(h -> header(tick, "fbsched." + h))
                .containsExactly("scheduler", "scheduler", "cron:stale:gh:MyOrg@2026-11-29T03:00:00Z", "schedule", "", "MyOrg", "", "",
                        "2026-11-29T03:00:00Z");
        assertThat(header(tick, "content-type")).isEqualTo("application/json");
        assertThat(new String(tick.value(), StandardCharsets.UTF_8)).isEqualTo("{\"job\":\"stale:gh:MyOrg\",\"module\":\"stale\","
                + "\"scheduled_for\":\"2026-11-29T03:00:00Z\",\"manual\":false,\"forge\":\"gh\",\"org\":\"MyOrg\"}");
    }

    @Test
    void a_past_slot_older_than_the_dedup_retention_is_not_fired_at_start() throws Exception {
        // Given a retention of 30 minutes and a start 45 minutes after the last hourly slot
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T03:45:00Z"));

        // When it starts
        List<String> fired = scheduler(config("30m"), clock).runDue();

        // Then dedup could not tell whether 03:00 fired, so it is left alone; the 15-minute probe's 03:45 fires
        assertThat(fired).containsExactly("cron:health-monitor:api@2026-11-29T03:45:00Z");
    }

    @Test
    void a_tick_kafka_did_not_acknowledge_is_retried_and_counted_only_once_written() throws Exception {
        // Given a producer that fails the first send
        MockProducer<String, byte[]> failing = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T03:00:10Z"));
        ForgebusConfig config = config("7d");
        TickScheduler scheduler = new TickScheduler(() -> config, new TickPublisher(failing, TOPICS, Duration.ofMillis(50)), clock,
                new SimpleMeterRegistry());

        // When the first run gets no acknowledgement
        List<String> first = scheduler.runDue();

        // Then nothing counts as fired and the next wake is a retry, which writes the same ids again
        assertThat(first).isEmpty();
        assertThat(scheduler.nextWake()).isEqualTo(clock.instant().plus(TickScheduler.RETRY_AFTER));
        assertThat(failing.history()).extracting(r -> header(r, "fbsched.delivery-id")).contains("cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
    }

    private static String header(ProducerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
