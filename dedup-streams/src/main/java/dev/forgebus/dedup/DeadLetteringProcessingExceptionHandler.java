package dev.forgebus.dedup;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown while routing one raw record (a bug, or a payload that broke an assumption
 * of the router) sends that record to {@code <prefix>.dlq.dedup} with the exception's class as the
 * reason, and the stream goes on: failing would stop dedup for every org on one delivery, and
 * again on the same offset after every restart. The processor handles the expected cases
 * (unreadable, too large) itself; this catches the rest.
 */
public final class DeadLetteringProcessingExceptionHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringProcessingExceptionHandler.class);

    private DedupDeadLetters deadLetters = DedupDeadLetters.fromConfigs(Map.of());

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.error("routing the raw record at {}-{}@{} failed; it goes to {}", context.topic(), context.partition(),
                context.offset(), deadLetters.topic(), exception);
        return Response.resume(List.of(deadLetters.of(context, DeadLetterReason.PROCESSING_FAILED,
                "routing failed: " + exception.getClass().getSimpleName())));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DedupDeadLetters.fromConfigs(configs);
    }
}
