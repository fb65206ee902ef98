package dev.forgebus.workers.runtime;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * The offsets a {@link ModuleWorker} may commit and has not committed yet: per partition, the
 * offset after its last finished item. Pure bookkeeping, no consumer: the worker commits what
 * {@link #pending()} shows and reports back.
 *
 * <p>At-least-once rests on two rules kept here. An offset is recorded only for a finished item
 * (Kafka acknowledged what the item wrote), and {@link LaneSchedule} runs one item per partition at
 * a time, in offset order, so the last finished offset plus one never skips an unfinished item. And
 * a commit that succeeded clears only what it carried: an item that finished while the commit was
 * under way keeps its newer offset for the next commit instead of being lost with the old one.
 */
final class CommitFrontier {
    private final Map<TopicPartition, Long> pending = new HashMap<>();

    /** The item at {@code offset} of {@code partition} finished: commit up to and including it. */
    void finished(TopicPartition partition, long offset) {
        pending.put(partition, offset + 1);
    }

    /** What to commit now: partition to next offset to read (a copy). */
    Map<TopicPartition, Long> pending() {
        return Map.copyOf(pending);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Kafka committed {@code offsets}: forget each unless a newer offset was recorded since. */
    void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach(pending::remove); // remove(key, value): only while it still maps to what was committed
    }

    /** Forgets the partitions (revoked, lost, or the group refused their commit: the next owner redoes their items). */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(pending::remove);
    }
}
