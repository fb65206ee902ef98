package dev.forgebus.dedup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an envelope, work item or trace record cannot be written.
 *
 * <ul>
 *   <li>Retriable errors are retried, as Kafka's default handler does (bounded by
 *       {@code task.timeout.ms}).</li>
 *   <li>Errors of the cluster, not of the record (authentication, authorisation): FAIL. Every record
 *       would fail alike; under exactly-once the transaction aborts, nothing is committed past the
 *       record, and the role reports itself dead (/health) so that it is restarted once the
 *       cluster is fixed.</li>
 *   <li>Anything else is about this record (too large, not serialisable): the raw record it came
 *       from goes to {@code <prefix>.dlq.dedup} in the same transaction and the stream goes on.
 *       Failing instead stopped dedup for every org on one delivery, again after each restart.
 *       The processor already dead-letters envelopes over the size limit before writing them,
 *       so this is the last resort, not the usual path.</li>
 * </ul>
 * Logs name topic, key and size, never the value.
 */
public final class DeadLetteringProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringProductionExceptionHandler.class);

    private DedupDeadLetters deadLetters = DedupDeadLetters.fromConfigs(Map.of());

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            LOG.warn("retrying a write to {} (key '{}'): {}", record.topic(), key(record), exception.toString());
            return Response.retry();
        }
        if (isClusterProblem(exception)) {
            LOG.error("cannot write to {}: {}; stopping dedup-streams (nothing is committed past the record)",
                    record.topic(), exception.toString());
            return Response.fail();
        }
        LOG.error("cannot write to {} (key '{}', {} bytes, from {}-{}@{}): {}; the raw record goes to {}",
                record.topic(), key(record), record.value() == null ? 0 : record.value().length, context.topic(),
                context.partition(), context.offset(), exception.toString(), deadLetters.topic());
        return Response.resume(List.of(deadLetters.of(context, DeadLetterReason.WRITE_FAILED,
                "write to " + record.topic() + " failed: " + exception.getClass().getSimpleName())));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        LOG.error("cannot serialise a record for {} ({} of the record, from {}-{}@{}): {}; the raw record goes to {}",
                record.topic(), origin, context.topic(), context.partition(), context.offset(), exception.toString(),
                deadLetters.topic());
        return Response.resume(List.of(deadLetters.of(context, DeadLetterReason.WRITE_FAILED,
                "cannot serialise the " + origin + " for " + record.topic())));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DedupDeadLetters.fromConfigs(configs);
    }

    private static boolean isClusterProblem(Exception e) {
        return e instanceof AuthenticationException || e instanceof AuthorizationException;
    }

    private static String key(ProducerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }
}
