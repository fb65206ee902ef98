package dev.forgebus.common.schedule;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * A scheduler tick as a record of {@code <prefix>.raw}, with the headers the gateway writes on a
 * webhook, so dedup reads, deduplicates, routes and traces it like one: forge and forge type
 * {@code scheduler}, event {@code schedule}, owner the job's org (or ""), no repository, action or
 * sender. Key {@code scheduler} (plus {@code /<org>} for an org's job), the shape of an org-level
 * event's key. Value: {@code {"job", "module", "scheduled_for", "manual", "forge", "org"}}.
 */
public final class TickRecord {

    private TickRecord() {
    }

    /**
     * @param deliveryId   {@link ScheduledJob#tickId} or {@link ScheduledJob#manualId}
     * @param scheduledFor the slot (for a manual run: when it was asked)
     * @param receivedAt   when the scheduler wrote it
     */
    public static ProducerRecord<String, byte[]> of(TopicNames topics, ScheduledJob job, String deliveryId, Instant scheduledFor,
                                                    boolean manual, Instant receivedAt) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("job", job.name());
        value.put("module", job.module().id());
        value.put("scheduled_for", scheduledFor.truncatedTo(ChronoUnit.MILLIS).toString());
        value.put("manual", manual);
        value.put("forge", job.forge());
        value.put("org", job.org());
        Headers h = new RawRecordHeaders.Values(ScheduledJobs.FORGE_ID, ScheduledJobs.FORGE_ID, deliveryId, ScheduledJobs.EVENT,
                "", job.org(), "", "", receivedAt, "application/json").toHeaders(topics);
        String key = ScheduledJobs.FORGE_ID + (job.orgScoped() ? "/" + job.org() : "");
        return new ProducerRecord<>(topics.raw(), null, key, Json.write(value), h);
    }
}
