package dev.forgebus.dedup;

import java.util.List;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.event.WorkOutcome;

/**
 * Keeps the dedup store's list of dead-lettered modules current from the workers' final
 * outcomes: {@code DEAD_LETTER} adds the module (a redelivery will be routed to it again),
 * {@code DONE} removes it (e.g. after an operator replayed the dead letter successfully).
 * Outcomes of deliveries no longer remembered are ignored: a redelivery of those is a new
 * delivery anyway.
 */
final class RememberOutcomes extends ContextualProcessor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(RememberOutcomes.class);

    private KeyValueStore<String, SeenDelivery> seen;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        super.init(context);
        seen = context.getStateStore(DedupTopology.STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        WorkOutcome outcome = read(record);
        if (outcome == null) {
            return;
        }
        String id = SeenDelivery.key(outcome.forge(), outcome.deliveryId());
        SeenDelivery earlier = seen.get(id);
        if (earlier == null) {
            LOG.debug("outcome {} of {} for delivery {} not remembered (expired or never seen here)",
                    outcome.status(), outcome.module(), outcome.deliveryId());
            return;
        }
        SeenDelivery updated = switch (outcome.status()) {
            case DEAD_LETTER -> earlier.withDeadLetter(outcome.module());
            case DONE -> earlier.without(List.of(outcome.module()));
        };
        if (!updated.equals(earlier)) {
            seen.put(id, updated);
        }
    }

    /** The outcome, or null (logged) when the record is not one: the workers' topic, so a bug, not an attack. */
    private WorkOutcome read(Record<String, byte[]> record) {
        try {
            WorkOutcome outcome = record.value() == null ? null : WorkOutcome.fromJson(record.value());
            if (outcome != null && outcome.forge() != null && outcome.deliveryId() != null && outcome.module() != null
                    && outcome.status() != null) {
                return outcome;
            }
        } catch (RuntimeException e) {
            // fall through: logged below without the value
        }
        LOG.warn("skipped an unreadable outcome record (key '{}', {} bytes, at {})", record.key(),
                record.value() == null ? 0 : record.value().length,
                context().recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?"));
        return null;
    }
}
