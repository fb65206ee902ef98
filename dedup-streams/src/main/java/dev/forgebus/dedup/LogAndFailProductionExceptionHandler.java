package dev.forgebus.dedup;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an envelope, work item or trace record cannot be written: retried when the
 * error is retriable (as Kafka's default handler does, bounded by {@code task.timeout.ms}),
 * otherwise logged (topic, key, size, never the value) and FAIL.
 *
 * <p>Failing is the safe answer under exactly-once: the transaction aborts, the raw record's
 * offset is not committed, and after the thread stops (the role reports not ready) a restart
 * processes the record again, so nothing is lost and nothing is half-written. Continuing would
 * commit the raw offset without its work item: a webhook accepted with 202 and never acted on
 * (SPEC 8). The usual permanent cause, a record over the topic's {@code max.message.bytes}, is
 * prevented by sizing topics and producer from {@code server.max_body_bytes}.
 */
public final class LogAndFailProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(LogAndFailProductionExceptionHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            LOG.warn("retrying a write to {} (key '{}'): {}", record.topic(), key(record), exception.toString());
            return Response.retry();
        }
        LOG.error("cannot write to {} (key '{}', {} bytes, from {}-{}@{}): {}; stopping dedup-streams so that the "
                        + "record is processed again after a restart instead of being lost",
                record.topic(), key(record), record.value() == null ? 0 : record.value().length, context.topic(),
                context.partition(), context.offset(), exception.toString());
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        LOG.error("cannot serialise a record for {} ({} of the record, from {}-{}@{}): {}; stopping dedup-streams",
                record.topic(), origin, context.topic(), context.partition(), context.offset(), exception.toString());
        return Response.fail();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    private static String key(ProducerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }
}
