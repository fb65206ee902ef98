package dev.forgebus.dedup;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the start and end of each changelog restoration of the dedup store (one line each, per partition). */
final class RestoreLog implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        LOG.info("restoring {} from {} offsets {}..{}", store, partition, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        LOG.info("restored {} from {}: {} records", store, partition, totalRestored);
    }
}
