package dev.forgebus.workers.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.apache.kafka.common.TopicPartition;

/**
 * Decides which fetched records of a {@link ModuleWorker} may run now, one lane per assigned
 * partition (of the work topic or of a retry tier). It holds no consumer, no thread and no clock:
 * the worker tells it what was fetched, what finished and what time it is, and carries out what it
 * answers (start a handler, seek back, pause, resume). So the ordering rules are tested in
 * microseconds ({@code LaneScheduleTest}) and the worker keeps only the Kafka plumbing.
 *
 * <p>The rules, and why:
 * <ul>
 * <li>One item in flight per lane, taken in offset order: items of one repository (one key, one
 *     partition) that never failed are handled in partition order, and a lane's items finish in
 *     order, so the next offset to commit is simply the last finished one plus one
 *     ({@link CommitFrontier} needs no gap tracking).</li>
 * <li>A head that is not due yet ({@code dueAt}, read by the worker on retry tiers only) makes its
 *     lane <em>wait</em>: everything fetched for it is dropped and the worker seeks back to the head.
 *     Within a tier every item waits the same delay, so what lies behind is not due either; holding
 *     nothing means a long backoff costs no memory, and the partition stays paused meanwhile.</li>
 * <li>A lane that holds or runs anything, or waits, is held paused; while the lanes together hold
 *     {@code maxHeld} fetched records every lane is held, which bounds what one worker buffers.</li>
 * <li>Every start gets a {@link Ticket}: a completion counts only if its ticket is the one in flight
 *     on the lane now. A lane dropped on revocation and created again on reassignment is a new lane,
 *     so a late completion of its old owner's attempt cannot finish or rewind the new one.</li>
 * </ul>
 *
 * @param <R> a fetched record (a {@code ConsumerRecord} in the worker)
 */
final class LaneSchedule<R> {
    private final int maxHeld;
    private final ToLongFunction<R> offsetOf;
    private final Function<R, Optional<Instant>> dueAt;
    private final Map<TopicPartition, Lane<R>> lanes = new HashMap<>();
    private long lanesMade;

    /**
     * @param maxHeld  fetched records the lanes may hold together before every partition is held
     *                 ({@code max.poll.records})
     * @param offsetOf a record's offset in its partition
     * @param dueAt    when a record may run; empty when at once (the worker trusts the header on retry
     *                 tiers only, so a work-topic record cannot hold its partition back)
     */
    LaneSchedule(int maxHeld, ToLongFunction<R> offsetOf, Function<R, Optional<Instant>> dueAt) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1, was " + maxHeld);
        }
        this.maxHeld = maxHeld;
        this.offsetOf = Objects.requireNonNull(offsetOf, "offsetOf");
        this.dueAt = Objects.requireNonNull(dueAt, "dueAt");
    }

    /** One start of one record on one lane; hand it back with the completion. */
    record Ticket(TopicPartition partition, long lane, long offset) {
    }

    /** Run {@code record} now; report its end with {@code ticket}. */
    record Start<R>(Ticket ticket, R record) {
    }

    /** Seek {@code partition} back to {@code offset}: fetched again when its lane goes on. */
    record Rewind(TopicPartition partition, long offset) {
    }

    /** What {@link #dispatch} decided: the seeks to make and the records to start. */
    record Dispatch<R>(List<Rewind> rewinds, List<Start<R>> starts) {
    }

    // ---------------------------------------------------------------- partitions

    /** New lanes for newly assigned partitions (a partition assigned again starts a fresh lane). */
    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            lanes.put(partition, new Lane<>(partition, ++lanesMade));
        }
    }

    /**
     * Forgets revoked or lost partitions with what they held; returns the tickets that were in
     * flight there, whose threads the worker may interrupt (their completions no longer count).
     */
    List<Ticket> dropped(Collection<TopicPartition> partitions) {
        List<Ticket> inFlight = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Lane<R> lane = lanes.remove(partition);
            if (lane != null && lane.inFlight != null) {
                inFlight.add(lane.inFlight);
            }
        }
        return inFlight;
    }

    /** Forgets every partition (the worker is closing). */
    List<Ticket> droppedAll() {
        return dropped(List.copyOf(lanes.keySet()));
    }

    Set<TopicPartition> partitions() {
        return Set.copyOf(lanes.keySet());
    }

    /** Records polled for {@code partition}, in offset order; ignored when it is not assigned (any more). */
    void fetched(TopicPartition partition, List<R> records) {
        Lane<R> lane = lanes.get(partition);
        if (lane != null) {
            lane.held.addAll(records);
        }
    }

    // ---------------------------------------------------------------- starting

    /**
     * The head of every idle lane that is not waiting: started when due, otherwise its lane waits
     * until it is, holding nothing, and the worker seeks back to it.
     */
    Dispatch<R> dispatch(Instant now) {
        List<Rewind> rewinds = new ArrayList<>();
        List<Start<R>> starts = new ArrayList<>();
        for (Lane<R> lane : lanes.values()) {
            if (lane.inFlight != null || lane.held.isEmpty() || lane.waiting(now)) {
                continue;
            }
            R head = lane.held.peekFirst();
            Optional<Instant> due = dueAt.apply(head);
            if (due.isPresent() && now.isBefore(due.get())) {
                lane.waitUntil = due.get();
                lane.held.clear();
                rewinds.add(new Rewind(lane.partition, offsetOf.applyAsLong(head)));
                continue;
            }
            lane.waitUntil = null;
            R record = lane.held.pollFirst();
            lane.inFlight = new Ticket(lane.partition, lane.id, offsetOf.applyAsLong(record));
            starts.add(new Start<>(lane.inFlight, record));
        }
        return new Dispatch<>(rewinds, starts);
    }

    /** The worker could not start it (its pool is closing): it goes back to the head of its lane. */
    void notStarted(Start<R> start) {
        Lane<R> lane = current(start.ticket());
        if (lane != null) {
            lane.inFlight = null;
            lane.held.addFirst(start.record());
        }
    }

    // ---------------------------------------------------------------- completions

    /**
     * The item is finished (done, dead-lettered or moved to a retry tier, acknowledged by Kafka);
     * false when the ticket is stale (its lane was dropped), and then nothing may be committed for it.
     */
    boolean finished(Ticket ticket) {
        Lane<R> lane = current(ticket);
        if (lane == null) {
            return false;
        }
        lane.inFlight = null;
        lane.waitUntil = null;
        return true;
    }

    /**
     * Kafka did not acknowledge what the attempt wrote: the lane drops what it holds and waits until
     * {@code dueAt}, then the item is fetched again (same attempt). Empty when the ticket is stale.
     */
    Optional<Rewind> redo(Ticket ticket, Instant dueAt) {
        Lane<R> lane = current(ticket);
        if (lane == null) {
            return Optional.empty();
        }
        lane.inFlight = null;
        lane.waitUntil = Objects.requireNonNull(dueAt, "dueAt");
        lane.held.clear();
        return Optional.of(new Rewind(lane.partition, ticket.offset()));
    }

    /**
     * The attempt was cut off (interrupted, closing, or the runtime failed): the lane drops what it
     * holds, and the item is fetched again at once if the worker seeks back. Empty when stale.
     */
    Optional<Rewind> abandoned(Ticket ticket) {
        Lane<R> lane = current(ticket);
        if (lane == null) {
            return Optional.empty();
        }
        lane.inFlight = null;
        lane.held.clear();
        return Optional.of(new Rewind(lane.partition, ticket.offset()));
    }

    /** The lane the ticket was issued on, if it is still assigned and this ticket is what it runs. */
    private Lane<R> current(Ticket ticket) {
        Lane<R> lane = lanes.get(ticket.partition());
        return lane != null && ticket.equals(lane.inFlight) ? lane : null;
    }

    // ---------------------------------------------------------------- what the consumer should do

    /**
     * The partitions to keep paused now: each lane that runs, holds or waits, and every lane while
     * the lanes together hold {@code maxHeld} fetched records. The others may be resumed.
     */
    Set<TopicPartition> toPause(Instant now) {
        boolean full = heldTotal() >= maxHeld;
        Set<TopicPartition> pause = new HashSet<>();
        for (Lane<R> lane : lanes.values()) {
            if (full || lane.inFlight != null || !lane.held.isEmpty() || lane.waiting(now)) {
                pause.add(lane.partition);
            }
        }
        return pause;
    }

    /** How long the worker may block in poll: {@code longest}, or less when a waiting lane is due sooner. */
    Duration pollTimeout(Instant now, Duration longest) {
        Duration timeout = longest;
        for (Lane<R> lane : lanes.values()) {
            if (lane.waiting(now)) {
                Duration untilDue = Duration.between(now, lane.waitUntil);
                if (untilDue.compareTo(timeout) < 0) {
                    timeout = untilDue;
                }
            }
        }
        return timeout.isNegative() ? Duration.ZERO : timeout;
    }

    /** True while an item of one of {@code partitions} is in flight. */
    boolean inFlight(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Lane<R> lane = lanes.get(partition);
            if (lane != null && lane.inFlight != null) {
                return true;
            }
        }
        return false;
    }

    /** The ticket in flight on {@code partition}, if any. */
    Optional<Ticket> inFlight(TopicPartition partition) {
        Lane<R> lane = lanes.get(partition);
        return lane == null ? Optional.empty() : Optional.ofNullable(lane.inFlight);
    }

    /** Items of {@code partition} fetched and not finished: held plus the one in flight (for the lag gauge). */
    int itemsHeld(TopicPartition partition) {
        Lane<R> lane = lanes.get(partition);
        return lane == null ? 0 : lane.held.size() + (lane.inFlight != null ? 1 : 0);
    }

    private int heldTotal() {
        int n = 0;
        for (Lane<R> lane : lanes.values()) {
            n += lane.held.size();
        }
        return n;
    }

    /**
     * One assigned partition: what was fetched and not yet started, the item in flight, and until
     * when it waits (a retry-tier head not due, or an item Kafka did not acknowledge).
     */
    private static final class Lane<R> {
        final TopicPartition partition;
        /** Tells this lane from an earlier one of the same partition (revoked, then assigned again). */
        final long id;
        final ArrayDeque<R> held = new ArrayDeque<>();
        Ticket inFlight;
        Instant waitUntil;

        Lane(TopicPartition partition, long id) {
            this.partition = partition;
            this.id = id;
        }

        boolean waiting(Instant now) {
            return waitUntil != null && inFlight == null && now.isBefore(waitUntil);
        }
    }
}
