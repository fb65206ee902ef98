package dev.forgebus.workers.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.logging.ItemLogContext;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.common.health.LivenessCheck;
import dev.forgebus.common.kafka.DeadLetterHeaders;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/**
 * Runs one module: consumer group {@code <topic_prefix>.<module id>} on {@code work.<module>}
 * (SPEC 7.1, the rate-limited work queue) and on its retry tiers {@code retry.<module>.<n>}.
 *
 * <h2>Threads</h2>
 * One polling thread owns the Kafka consumer: it polls, pauses and resumes partitions, seeks and
 * commits. Handlers run on a pool of {@link WorkerSettings#concurrency()} threads and report back
 * through a queue (waking the poll up). So a slow handler or a long backoff never keeps the
 * consumer from polling, and {@code max.poll.interval.ms} is about this loop, not about the work.
 *
 * <h2>Order and bounds</h2>
 * Each assigned partition (of the work topic or of a retry tier) is a lane: records fetched for it
 * wait in the lane and go to a handler one at a time, in offset order. A partition is paused while
 * its lane holds or handles anything, and every partition is paused while the lanes together hold
 * {@code max.poll.records} records: at most one item per partition in flight, a bounded number
 * fetched. Those decisions are {@link LaneSchedule}'s (pure, tested without a broker); this class
 * carries them out on the consumer and the handler pool.
 *
 * <h2>Retries</h2>
 * Retries never block a partition of the work topic. A failed attempt that may be retried
 * ({@link RetryPolicy}) writes the item (same key, value, headers) to the retry tier of its
 * attempt, {@code retry.<module>.<n>} for {@code backoff[n]} (the last tier takes every later
 * retry), with {@code retry.attempt}, {@code retry.first-failed-at}, {@code retry.due-at} and
 * {@code original.*} headers; once Kafka acknowledged it, the item's offset is finished and the
 * lane goes on with the next record at once. Within a tier every item waits the same delay, so a
 * tier partition whose head is not due by {@link WorkerSettings#clock()} is paused (head sought
 * back, nothing held) until it is; the consumer keeps polling, so no backoff comes near
 * {@code max.poll.interval.ms}. Attempts and the first failure are read from the headers: they
 * survive restarts and rebalances. A RATE_LIMITED item is due when the forge said; the credential
 * itself is paused by its {@link dev.forgebus.forge.CallGate}, not by the worker.
 *
 * <h2>Parking during a forge pause</h2>
 * While the forge pauses a credential, the gate refuses its calls at once instead of blocking the
 * handler thread (and with it the item's partition, which other credentials' repositories share).
 * Such an item is {@link Decision.Parked parked}: written to the retry tier for the time left of
 * the pause (as a re-check picks its tier), due when the pause ends, {@code retry.attempt} as it
 * was (no attempt spent) and {@value #PARKINGS} one higher; then its offset is finished like a
 * retry's. {@link RetryPolicy#MAX_PARKINGS} bounds the parkings of one item.
 *
 * <h2>Re-checks</h2>
 * A handler answering {@link Result.RecheckAfter RecheckAfter(d)} is not finished: the item is
 * written to the retry tier whose delay is the largest not above {@code d} (the first when
 * {@code d} is shorter than all), due at now + {@code d}, with {@code recheck.count} one higher and
 * {@code recheck.reason}; no attempt is spent ({@code retry.attempt} stays what it was). Then its
 * offset is finished like a retry's. When due, the handler gets it again with
 * {@link WorkItem#isRecheck()}. No outcome is written for a re-check: the item's DONE or
 * DEAD_LETTER comes when it finishes. After {@link #MAX_RECHECKS} re-checks in a row without
 * progress (the handling that asked wrote nothing to the progress store; counted in
 * {@value #RECHECK_SINCE_PROGRESS}) the next request is answered with DONE, note "re-check limit
 * reached", so a handler bug cannot loop forever, while a long sweep that records its cursor before
 * each re-check goes on; after {@link #MAX_RECHECKS_TOTAL} re-checks in all it is answered DONE
 * whatever the progress ("re-check ceiling reached"). A delay above {@link #MAX_RECHECK_DELAY} is cut to it. A re-check whose delay exceeds its tier's holds
 * the items behind it in that tier partition until it is due (one head-of-line pause per tier).
 *
 * <h2>What order remains</h2>
 * Items of one repository that never failed are handled in partition order. A failed item may be
 * overtaken by later items of its repository: handlers read the forge's current state and are
 * idempotent, so correctness does not depend on that order (docs/architecture.md). Only when
 * Kafka does not acknowledge what an attempt wrote does the lane seek back and wait (same
 * attempt, redone after {@code backoff[0]}): the item cannot be moved anywhere then.
 *
 * <h2>Commits</h2>
 * At-least-once: an offset is committed only after its item is finished, that is after Kafka
 * acknowledged its DONE outcome, its dead letter and then its DEAD_LETTER outcome, or its copy in
 * a retry tier ({@link CommitFrontier} keeps what is left to commit). An item interrupted by
 * {@link #close()}, a crash or a lost partition is redone by the next owner; handlers are
 * idempotent (SPEC 7).
 */
public final class ModuleWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleWorker.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /**
     * Re-checks one item may ask for in a row without making progress (no write to its progress
     * store during the handling that asked); the next request finishes it, so a handler bug cannot
     * loop. Progress resets this count, not {@link #MAX_RECHECKS_TOTAL}.
     */
    public static final int MAX_RECHECKS = 100;
    /**
     * Re-checks one item may ask for in all, progress or not: the backstop for a handler that writes
     * its store on every handling without ever finishing (at one re-check per 5 minutes, about 35 days).
     */
    public static final int MAX_RECHECKS_TOTAL = 10_000;
    /** The longest re-check delay: a longer one is cut to it (it would hold its tier partition that long). */
    public static final Duration MAX_RECHECK_DELAY = Duration.ofHours(24);
    /** Header suffix: re-checks the item has had so far (read on retry topics only). */
    public static final String RECHECK_COUNT = "recheck.count";
    /** Header suffix: why the handler asked for the pending re-check; present only on an item waiting for one. */
    public static final String RECHECK_REASON = "recheck.reason";
    /**
     * Header suffix: re-checks since the item last made progress (read on retry topics only); absent
     * on items written before it existed, which count all their re-checks, as before.
     */
    public static final String RECHECK_SINCE_PROGRESS = "recheck.since-progress";
    /** Header suffix: times the item was parked because the forge paused its credential (a retry.* header). */
    public static final String PARKINGS = "retry.parkings";

    private final WorkerSettings settings;
    private final ModuleHandler handler;
    private final KafkaClientMetrics producerMetrics;
    private final HandlerServices services;
    private final ModuleId module;
    private final TopicNames topics;
    private final String workTopic;
    /** Retry tier n holds the items waiting {@code backoff[n]}; the last tier takes every later retry. */
    private final List<String> retryTopics;
    private final RetryPolicy policy;
    private final WorkerMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService handlers;
    private final ThreadGroup handlerThreads;
    private final Thread pollThread;
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean polling;
    /** What killed the polling loop, when it died of an error rather than by {@link #close()}. */
    private volatile Throwable died;

    // Owned by the polling thread.
    private final LaneSchedule<ConsumerRecord<byte[], byte[]>> lanes;
    private final CommitFrontier commits = new CommitFrontier();
    /** The handler thread's task of each ticket in flight, to interrupt it when its partition goes. */
    private final Map<LaneSchedule.Ticket, Future<?>> tasks = new HashMap<>();

    private ModuleWorker(WorkerSettings settings, ModuleHandler handler, HandlerServices services, MeterRegistry registry) {
        this.settings = settings;
        this.handler = handler;
        this.services = java.util.Objects.requireNonNull(services, "services");
        this.module = handler.module();
        this.topics = settings.topics();
        this.workTopic = topics.work(module.id());
        this.retryTopics = java.util.stream.IntStream.range(0, settings.retryTiers())
                .mapToObj(tier -> topics.retry(module.id(), tier)).toList();
        this.policy = settings.retryPolicy();
        this.lanes = new LaneSchedule<>(settings.maxPollRecords(), ConsumerRecord::offset, this::dueAt);
        String clientId = "forgebus-worker-" + module.id() + "-" + INSTANCES.incrementAndGet();
        this.consumer = new KafkaConsumer<>(consumerProperties(settings, module, clientId));
        try {
            this.producer = new KafkaProducer<>(producerProperties(settings, clientId));
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        this.metrics = new WorkerMetrics(registry, module.id());
        // The producer's metrics only: KafkaConsumer.metrics() may not be called from another
        // thread while the poll thread uses it; the consumer's lag is forgebus_worker_lag.
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        this.handlerThreads = new ThreadGroup(clientId + "-handlers");
        AtomicInteger n = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(handlerThreads, r, clientId + "-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pollThread = new Thread(this::pollLoop, clientId);
        this.pollThread.setDaemon(true);
    }

    /**
     * Starts a worker for {@code handler.module()}. The topics must exist (the app provisions them
     * at start). Returns at once; partitions are assigned in the background. Each item's
     * {@link HandlerContext} is made from {@code services}.
     */
    public static ModuleWorker start(WorkerSettings settings, ModuleHandler handler, HandlerServices services, MeterRegistry registry) {
        ModuleWorker worker = new ModuleWorker(settings, handler, services, registry);
        worker.polling = true;
        worker.pollThread.start();
        return worker;
    }

    public ModuleId module() {
        return module;
    }

    /** True while the worker polls: not closed and not stopped by an error (for {@code /ready}). */
    public boolean isRunning() {
        return running && polling;
    }

    /**
     * Dead once the polling loop died of an error: nothing restarts it, so {@code /health} must
     * fail for the process to be restarted. A worker stopped by {@link #close()} is not dead.
     */
    public LivenessCheck.Status liveness() {
        Throwable cause = died;
        return cause == null ? LivenessCheck.Status.ok()
                : LivenessCheck.Status.dead("polling loop died: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    /**
     * Stops the worker within about three times {@link WorkerSettings#closeTimeout()}: no new item
     * starts; items in flight get {@code closeTimeout} to finish (and are committed), then their
     * threads are interrupted and the items are left uncommitted for the next owner; the consumer
     * leaves its group. Called from a handler, it only asks the worker to stop.
     */
    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            running = false;
            wakeUpPoll();
        }
        Thread me = Thread.currentThread();
        if (me == pollThread || me.getThreadGroup() == handlerThreads) {
            return; // cannot wait for ourselves
        }
        try {
            long bound = settings.closeTimeout().toMillis() * 3 + 5_000;
            if (!stopped.await(bound, TimeUnit.MILLISECONDS)) {
                LOG.warn("worker {} did not stop within {} ms", module.id(), bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- polling thread

    private void pollLoop() {
        try {
            List<String> subscribed = new java.util.ArrayList<>();
            subscribed.add(workTopic);
            subscribed.addAll(retryTopics);
            consumer.subscribe(subscribed, new Rebalance());
            while (running) {
                applyCompletions();
                commitFinished();
                dispatch();
                pauseBusyPartitions();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(nextPollTimeout());
                } catch (WakeupException e) {
                    continue; // a handler finished, or close() was called
                }
                fetched(records);
                dispatch();
                metrics.lag(itemsBehind());
            }
        } catch (Throwable t) {
            if (running) {
                died = t;
                LOG.error("worker {} stopped by an error; its uncommitted items will be redone", module.id(), t);
            }
        } finally {
            running = false;
            shutDown();
            polling = false;
            stopped.countDown();
        }
    }

    /** Hands the head of every idle lane to a handler thread; seeks back the lanes that wait ({@link LaneSchedule}). */
    private void dispatch() {
        if (!running) {
            return;
        }
        LaneSchedule.Dispatch<ConsumerRecord<byte[], byte[]>> next = lanes.dispatch(settings.clock().instant());
        next.rewinds().forEach(this::seek);
        var starts = next.starts().iterator();
        while (starts.hasNext()) {
            var start = starts.next();
            ConsumerRecord<byte[], byte[]> record = start.record();
            Delivery delivery = deliveryOf(record);
            try {
                tasks.put(start.ticket(), handlers.submit(() -> attempt(start.ticket(), record, delivery)));
            } catch (RejectedExecutionException e) {
                // Closing: this start and the ones not submitted yet go back to their lanes.
                lanes.notStarted(start);
                starts.forEachRemaining(lanes::notStarted);
                return;
            }
        }
    }

    /**
     * When a record may run: a due time counts only on a retry topic; on the work topic the header
     * would let whoever wrote the record hold a whole partition back.
     */
    private Optional<Instant> dueAt(ConsumerRecord<byte[], byte[]> record) {
        return record.topic().equals(workTopic) ? Optional.empty() : instantHeader(record, DeadLetterHeaders.RETRY_DUE_AT);
    }

    /**
     * Attempts made and the first failure travel with the item (retry.* headers), so they survive
     * restarts and rebalances. They are read on retry topics only, where this worker wrote them; an
     * item of the work topic starts at attempt 1.
     */
    private Delivery deliveryOf(ConsumerRecord<byte[], byte[]> record) {
        boolean retried = !record.topic().equals(workTopic);
        int attempt = (retried ? intHeader(record, DeadLetterHeaders.RETRY_ATTEMPT).orElse(0) : 0) + 1;
        Instant first = retried ? instantHeader(record, DeadLetterHeaders.RETRY_FIRST_FAILED_AT).orElse(null) : null;
        int rechecks = retried ? intHeader(record, RECHECK_COUNT).orElse(0) : 0;
        int sinceProgress = retried ? intHeader(record, RECHECK_SINCE_PROGRESS).orElse(rechecks) : 0;
        boolean recheck = retried && DeadLetterHeaders.text(record.headers(), topics, RECHECK_REASON).isPresent();
        int parkings = retried ? intHeader(record, PARKINGS).orElse(0) : 0;
        return new Delivery(attempt, first, recheck, rechecks, sinceProgress, parkings);
    }

    private void seek(LaneSchedule.Rewind rewind) {
        consumer.seek(rewind.partition(), rewind.offset());
    }

    /** Pauses the partitions the lanes hold ({@link LaneSchedule#toPause}), resumes the others. */
    private void pauseBusyPartitions() {
        Set<TopicPartition> hold = lanes.toPause(settings.clock().instant());
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (TopicPartition partition : lanes.partitions()) {
            if (hold.contains(partition) && !paused.contains(partition)) {
                pause.add(partition);
            } else if (!hold.contains(partition) && paused.contains(partition)) {
                resume.add(partition);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    private Duration nextPollTimeout() {
        return lanes.pollTimeout(settings.clock().instant(), settings.pollTimeout());
    }

    private void fetched(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            lanes.fetched(partition, records.records(partition));
        }
    }

    private long itemsBehind() {
        long behind = 0;
        for (TopicPartition partition : lanes.partitions()) {
            behind += consumer.currentLag(partition).orElse(0) + lanes.itemsHeld(partition);
        }
        return behind;
    }

    private void applyCompletions() {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            apply(completion);
        }
    }

    /**
     * Acts on what a handler thread reported. Completions whose lane was dropped meanwhile (the
     * partition revoked or lost, perhaps assigned again since) count for nothing: the partition's
     * next owner redoes the item.
     */
    private void apply(Completion completion) {
        LaneSchedule.Ticket ticket = completion.ticket();
        tasks.remove(ticket);
        switch (completion) {
            case Completion.Finished f -> {
                if (lanes.finished(ticket)) {
                    commits.finished(ticket.partition(), ticket.offset());
                }
            }
            case Completion.Redo r -> lanes.redo(ticket, r.dueAt()).ifPresent(this::seek);
            case Completion.Abandoned a -> lanes.abandoned(ticket).ifPresent(rewind -> {
                if (running) {
                    seek(rewind); // redo it, same attempt number
                }
            });
        }
    }

    /** Commits the offsets of finished items. Kept for the next loop when the commit cannot happen now. */
    private void commitFinished() {
        if (commits.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> pending = commits.pending();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        pending.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        for (int i = 0; i < 3; i++) {
            try {
                consumer.commitSync(offsets, COMMIT_TIMEOUT);
                commits.committed(pending);
                return;
            } catch (WakeupException e) {
                // a handler finished meanwhile: try again
            } catch (RebalanceInProgressException | RetriableException e) {
                LOG.debug("worker {}: commit postponed: {}", module.id(), e.toString());
                return;
            } catch (CommitFailedException e) {
                LOG.warn("worker {}: partitions {} were reassigned before their offsets were committed; their last items will be redone",
                        module.id(), offsets.keySet());
                commits.forget(offsets.keySet());
                return;
            }
        }
    }

    /**
     * Waits up to {@code closeTimeout} for the items in flight on {@code partitions} to finish
     * (applying every completion meanwhile), then interrupts the rest and commits what finished.
     */
    private void settle(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        try {
            while (lanes.inFlight(partitions)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Completion c = completions.poll(left, TimeUnit.NANOSECONDS);
                if (c != null) {
                    apply(c);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (TopicPartition partition : partitions) {
            lanes.inFlight(partition).ifPresent(this::interrupt);
        }
        commitFinished();
    }

    /** Interrupts the handler thread of {@code ticket}; its completion (abandoned) will be stale or rewind its lane. */
    private void interrupt(LaneSchedule.Ticket ticket) {
        Future<?> task = tasks.remove(ticket);
        if (task != null) {
            task.cancel(true);
        }
    }

    private void shutDown() {
        handlers.shutdown();
        settle(lanes.partitions());
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applyCompletions();
        commitFinished();
        lanes.droppedAll(); // nothing more to settle when close() revokes the partitions
        tasks.clear();
        try {
            consumer.close(CloseOptions.timeout(settings.closeTimeout()));
        } catch (RuntimeException e) {
            LOG.warn("worker {}: closing the consumer failed: {}", module.id(), e.toString());
        }
        producerMetrics.close();
        try {
            producer.close(settings.closeTimeout());
        } catch (RuntimeException e) {
            LOG.warn("worker {}: closing the producer failed: {}", module.id(), e.toString());
        }
        metrics.close();
        LOG.info("worker {} stopped", module.id());
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            lanes.assigned(partitions);
            if (!partitions.isEmpty()) {
                LOG.info("worker {} assigned {}", module.id(), partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || lanes.partitions().isEmpty()) {
                return;
            }
            metrics.rebalance();
            settle(partitions);
            lanes.dropped(partitions).forEach(ModuleWorker.this::interrupt); // settle interrupted them already
            commits.forget(partitions);
            LOG.info("worker {} revoked {}", module.id(), partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            metrics.rebalance();
            lanes.dropped(partitions).forEach(ModuleWorker.this::interrupt);
            commits.forget(partitions);
            LOG.warn("worker {} lost {}; their uncommitted items will be redone by the next owner", module.id(), partitions);
        }
    }

    // ---------------------------------------------------------------- handler threads

    /** One attempt at one item, on a handler thread; always reports a completion. */
    private void attempt(LaneSchedule.Ticket ticket, ConsumerRecord<byte[], byte[]> record, Delivery delivery) {
        Completion completion = new Completion.Abandoned(ticket);
        try {
            if (!running) {
                return; // closing: an item that has not started is left for the next owner
            }
            completion = process(ticket, record, delivery);
        } catch (InterruptedException e) {
            LOG.info("worker {}: item {} abandoned (interrupted); it will be redone", module.id(), idOf(record));
        } catch (Throwable t) {
            LOG.error("worker {}: item {} failed in the runtime; it will be redone", module.id(), idOf(record), t);
            if (t instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        } finally {
            completions.add(completion);
            wakeUpPoll();
        }
    }

    private Completion process(LaneSchedule.Ticket ticket, ConsumerRecord<byte[], byte[]> record, Delivery delivery)
            throws InterruptedException {
        Optional<EventEnvelope> item = read(record);
        // Every line logged while this item is handled (ours, the handler's, the forge clients') names it.
        try (ItemLogContext log = ItemLogContext.open().with(ItemLogContext.MODULE, module.id())) {
            item.ifPresent(i -> log.with(ItemLogContext.DELIVERY_ID, i.deliveryId()).with(ItemLogContext.FORGE, i.forge())
                    .with(ItemLogContext.REPO, ItemLogContext.repo(i.owner(), i.repo())));
            return process(ticket, record, delivery, item);
        }
    }

    private Completion process(LaneSchedule.Ticket ticket, ConsumerRecord<byte[], byte[]> record, Delivery delivery,
                               Optional<EventEnvelope> item) throws InterruptedException {
        int attempt = delivery.attempt();
        Decision decision = item.isPresent() ? handle(item.get(), delivery) : new Decision.DeadLetter(Failure.unreadable());
        Instant now = settings.clock().instant();
        Instant firstFailure = delivery.firstFailedAt() != null ? delivery.firstFailedAt() : now;
        try {
            switch (decision) {
                case Decision.Done done -> {
                    publishOutcome(record, item, WorkOutcome.Status.DONE, attempt, done.note());
                    metrics.done();
                    item.map(EventEnvelope::receivedAt).ifPresent(received ->
                            metrics.webhookToAction(Duration.between(received, settings.clock().instant())));
                    return new Completion.Finished(ticket);
                }
                case Decision.RetryAfter retry -> {
                    metrics.failed(retry.failure().errorClass());
                    String tier = publishRetry(record, attempt, firstFailure, now.plus(retry.delay()));
                    metrics.retry();
                    LOG.info("worker {}: item {} attempt {}/{} failed ({}); retry in {} from {}", module.id(), idOf(record), attempt,
                            policy.maxAttempts(), retry.failure().reason(), retry.delay(), tier);
                    // The item now lives in its retry topic: this offset is finished.
                    return new Completion.Finished(ticket);
                }
                case Decision.Recheck recheck -> {
                    int sinceProgress = recheck.progressed() ? 1 : delivery.rechecksSinceProgress() + 1;
                    String tier = publishRecheck(record, attempt, delivery.rechecks() + 1, sinceProgress, recheck,
                            now.plus(recheck.delay()));
                    metrics.recheck();
                    LOG.info("worker {}: item {} re-check {} in {} from {} ({})", module.id(), idOf(record), delivery.rechecks() + 1,
                            recheck.delay(), tier, recheck.reason());
                    // Like a retry: the item now lives in its retry topic, no outcome yet (not finished).
                    return new Completion.Finished(ticket);
                }
                case Decision.Parked parked -> {
                    String tier = publishParked(record, attempt, delivery.parkings() + 1, now.plus(parked.delay()), parked.delay());
                    metrics.parked();
                    LOG.info("worker {}: item {} parked in {} for {}, no attempt spent ({})", module.id(), idOf(record), tier,
                            parked.delay(), parked.failure().reason());
                    // Like a retry: the item now lives in its retry topic, no outcome yet (not finished).
                    return new Completion.Finished(ticket);
                }
                case Decision.DeadLetter dead -> {
                    metrics.failed(dead.failure().errorClass());
                    RecordMetadata deadLetter = publishDeadLetter(record, dead.failure(), attempt, firstFailure);
                    publishOutcome(record, item, WorkOutcome.Status.DEAD_LETTER, attempt, dead.failure().reason());
                    metrics.deadLettered();
                    // The id printed is the dead letter's own (what `dlq show` and `dlq replay --id` take);
                    // the work item's position is spelled differently so the two cannot be confused.
                    LOG.warn("worker {}: dead-lettered as {} after {} attempt(s): {} (work item {}-{}@{}, key {})", module.id(),
                            module.id() + ":" + deadLetter.partition() + ":" + deadLetter.offset(), attempt, dead.failure().reason(),
                            record.topic(), record.partition(), record.offset(), keyOf(record));
                    item.flatMap(i -> DeadLetterNotice.of(module, i, dead.failure(), attempt, deadLetter.partition(),
                            deadLetter.offset())).ifPresent(notice -> emitNotice(notice, item.get()));
                    return new Completion.Finished(ticket);
                }
            }
        } catch (InterruptException e) {
            throw new InterruptedException("interrupted while publishing");
        } catch (ExecutionException | KafkaException e) {
            // Kafka did not acknowledge: nothing is committed, the item is redone once Kafka is back.
            Duration wait = policy.backoffBefore(1);
            LOG.warn("worker {}: item {} could not be published ({}); redoing it in {}", module.id(), idOf(record),
                    e.getCause() != null ? e.getCause().toString() : e.toString(), wait);
            return new Completion.Redo(ticket, now.plus(wait));
        }
    }

    private Decision handle(EventEnvelope item, Delivery delivery) throws InterruptedException {
        int attempt = delivery.attempt();
        long started = System.nanoTime();
        try {
            WorkItem work = new WorkItem(item, attempt, Optional.ofNullable(delivery.firstFailedAt()), delivery.recheck(),
                    delivery.rechecks());
            HandlerContext context = services.contextFor(item, settings.clock());
            Result result = handler.handle(work, context);
            // Progress made by this handling starts the count without progress again (at this re-check).
            int withoutProgress = context.wroteProgress() ? 0 : delivery.rechecksSinceProgress();
            return switch (result) {
                case null -> throw new IllegalStateException("handler " + module.id() + " returned no result");
                case Result.Done done -> done.note().isEmpty() ? Decision.DONE : new Decision.Done(done.note());
                case Result.RecheckAfter again when delivery.rechecks() >= MAX_RECHECKS_TOTAL ->
                        new Decision.Done("re-check ceiling reached (" + MAX_RECHECKS_TOTAL + "); last reason: " + again.reason());
                case Result.RecheckAfter again when withoutProgress >= MAX_RECHECKS ->
                        new Decision.Done("re-check limit reached (" + MAX_RECHECKS + " without progress); last reason: "
                                + again.reason());
                case Result.RecheckAfter again -> new Decision.Recheck(
                        again.after().compareTo(MAX_RECHECK_DELAY) > 0 ? MAX_RECHECK_DELAY : again.after(), again.reason(),
                        context.wroteProgress());
            };
        } catch (InterruptedException e) {
            throw e;
        } catch (ForgeCallException e) {
            return policy.afterFailure(e, attempt, delivery.parkings());
        } catch (VirtualMachineError e) {
            if (e instanceof StackOverflowError) {
                return policy.afterFailure(e, attempt);
            }
            throw e;
        } catch (Throwable e) {
            LOG.warn("worker {}: handler threw {}", module.id(), e.getClass().getName(), e);
            return policy.afterFailure(e, attempt);
        } finally {
            metrics.attempt(System.nanoTime() - started);
        }
    }

    private static Optional<EventEnvelope> read(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(EventEnvelope.fromJson(record.value()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Emits the {@code dlq} notification of a dead letter Kafka acknowledged. Best effort: the dead
     * letter is the record of the failure; a notice that cannot be written is logged, not retried
     * (redoing the item would write a second dead letter).
     */
    private void emitNotice(DeadLetterNotice notice, EventEnvelope item) {
        if (services.emitter() == dev.forgebus.workers.Emitter.NONE) {
            return;
        }
        try {
            services.emitter().emit(module, item.deliveryId(), notice.forge(), notice.owner(), notice.repo(), notice.notification());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("worker {}: the dlq notification of {} was not emitted: {}", module.id(), notice.notification().key(),
                    e.getMessage());
        }
    }

    /** Writes the dead letter and returns where Kafka put it: its partition and offset make its id. */
    private RecordMetadata publishDeadLetter(ConsumerRecord<byte[], byte[]> record, Failure failure, int attempts, Instant firstFailedAt)
            throws ExecutionException, InterruptedException {
        Headers headers = withoutRetryHeaders(record);
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_CLASS, failure.errorClass());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_MESSAGE, failure.message());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_ATTEMPTS, Integer.toString(attempts));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_FIRST_FAILED_AT, firstFailedAt.toString());
        putOriginal(headers, record);
        return producer.send(new ProducerRecord<>(topics.deadLetters(module.id()), null, null, record.key(), record.value(), headers)).get();
    }

    /**
     * Moves a failed item to the retry tier of attempt {@code attemptsMade} (same key, value and
     * headers, plus {@code retry.*} and, from its first failure on, {@code original.*}); returns the
     * tier's topic once Kafka acknowledged it. The tier's partition is the record's own, so items
     * of one repository stay together.
     */
    private String publishRetry(ConsumerRecord<byte[], byte[]> record, int attemptsMade, Instant firstFailedAt, Instant dueAt)
            throws ExecutionException, InterruptedException {
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_ATTEMPT, Integer.toString(attemptsMade));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_FIRST_FAILED_AT, firstFailedAt.toString());
        headers.remove(topics.header(RECHECK_REASON)); // a retry of a failure is not a re-check
        if (record.topic().equals(workTopic)) {
            headers.remove(topics.header(RECHECK_COUNT)); // counts on retry topics only, where this worker wrote it
            headers.remove(topics.header(RECHECK_SINCE_PROGRESS));
        }
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_DUE_AT, dueAt.toString());
        putOriginal(headers, record);
        String tier = retryTopics.get(Math.min(Math.max(attemptsMade, 1), retryTopics.size()) - 1);
        producer.send(new ProducerRecord<>(tier, null, null, record.key(), record.value(), headers)).get();
        return tier;
    }

    /**
     * Moves an item whose handler asked for a re-check to the retry tier for {@code recheck}'s
     * delay: the largest tier delay not above it, the first tier when it is shorter than all.
     * {@code retry.attempt} says {@code attempt - 1} (this attempt did not fail, so it is not
     * spent); {@code retry.first-failed-at} is kept as it was (absent when nothing failed).
     */
    private String publishRecheck(ConsumerRecord<byte[], byte[]> record, int attempt, int rechecks, int sinceProgress,
                                  Decision.Recheck recheck, Instant dueAt) throws ExecutionException, InterruptedException {
        Headers headers = new RecordHeaders(record.headers().toArray());
        if (record.topic().equals(workTopic)) {
            // retry.* headers count on retry topics only: whatever a work-topic record carried is dropped.
            for (var header : record.headers()) {
                if (DeadLetterHeaders.isRetryHeader(topics, header.key())) {
                    headers.remove(header.key());
                }
            }
        }
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_ATTEMPT, Integer.toString(attempt - 1));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_DUE_AT, dueAt.toString());
        DeadLetterHeaders.put(headers, topics, RECHECK_COUNT, Integer.toString(rechecks));
        DeadLetterHeaders.put(headers, topics, RECHECK_SINCE_PROGRESS, Integer.toString(sinceProgress));
        DeadLetterHeaders.put(headers, topics, RECHECK_REASON, recheck.reason());
        putOriginal(headers, record);
        String tier = retryTopics.get(tierFor(recheck.delay()));
        producer.send(new ProducerRecord<>(tier, null, null, record.key(), record.value(), headers)).get();
        return tier;
    }

    /**
     * Moves an item whose credential the forge paused to the retry tier for {@code delay} (chosen as
     * for a re-check), due at {@code dueAt}, with {@value #PARKINGS} set to {@code parkings}.
     * {@code retry.attempt} says {@code attempt - 1}: the refused call was never sent, so this
     * attempt is not spent. A pending re-check stays pending (its {@code recheck.*} headers are kept).
     */
    private String publishParked(ConsumerRecord<byte[], byte[]> record, int attempt, int parkings, Instant dueAt, Duration delay)
            throws ExecutionException, InterruptedException {
        Headers headers = new RecordHeaders(record.headers().toArray());
        if (record.topic().equals(workTopic)) {
            // retry.* and recheck.* headers count on retry topics only: whatever a work-topic record carried is dropped.
            for (var header : record.headers()) {
                if (DeadLetterHeaders.isRetryHeader(topics, header.key())) {
                    headers.remove(header.key());
                }
            }
            headers.remove(topics.header(RECHECK_COUNT));
            headers.remove(topics.header(RECHECK_SINCE_PROGRESS));
            headers.remove(topics.header(RECHECK_REASON));
        }
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_ATTEMPT, Integer.toString(attempt - 1));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.RETRY_DUE_AT, dueAt.toString());
        DeadLetterHeaders.put(headers, topics, PARKINGS, Integer.toString(parkings));
        putOriginal(headers, record);
        String tier = retryTopics.get(tierFor(delay));
        producer.send(new ProducerRecord<>(tier, null, null, record.key(), record.value(), headers)).get();
        return tier;
    }

    /** The tier whose delay is the largest not above {@code delay}; the first when all are longer. */
    private int tierFor(Duration delay) {
        int tier = 0;
        for (int n = 0; n < retryTopics.size(); n++) {
            if (policy.backoffBefore(n + 1).compareTo(delay) <= 0) {
                tier = n;
            }
        }
        return tier;
    }

    /** Where the item was first read from work: kept as it is when it already says (a retried item). */
    private void putOriginal(Headers headers, ConsumerRecord<byte[], byte[]> record) {
        if (DeadLetterHeaders.text(record.headers(), topics, DeadLetterHeaders.RETRY_ATTEMPT).isPresent()
                && DeadLetterHeaders.text(record.headers(), topics, DeadLetterHeaders.ORIGINAL_TOPIC).isPresent()) {
            return;
        }
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_TOPIC, record.topic());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(record.partition()));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(record.offset()));
    }

    private Headers withoutRetryHeaders(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = new RecordHeaders();
        for (var header : record.headers()) {
            if (!DeadLetterHeaders.isRetryHeader(topics, header.key())) {
                headers.add(header);
            }
        }
        return headers;
    }

    private Optional<Integer> intHeader(ConsumerRecord<byte[], byte[]> record, String suffix) {
        try {
            return DeadLetterHeaders.text(record.headers(), topics, suffix).map(v -> Math.max(0, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty(); // a damaged counter restarts at attempt 1 rather than losing the item
        }
    }

    private Optional<Instant> instantHeader(ConsumerRecord<byte[], byte[]> record, String suffix) {
        try {
            return DeadLetterHeaders.text(record.headers(), topics, suffix).map(v -> Instant.parse(v.trim()));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty(); // an unreadable due time is due now
        }
    }

    private void publishOutcome(ConsumerRecord<byte[], byte[]> record, Optional<EventEnvelope> item, WorkOutcome.Status status,
                                int attempts, String error) throws ExecutionException, InterruptedException {
        String forge = item.map(EventEnvelope::forge).orElseGet(() -> header(record, RawRecordHeaders.FORGE));
        String deliveryId = item.map(EventEnvelope::deliveryId).orElseGet(() -> header(record, RawRecordHeaders.DELIVERY_ID));
        WorkOutcome outcome = new WorkOutcome(forge, deliveryId, module.id(), status, attempts, error, settings.clock().instant());
        producer.send(new ProducerRecord<>(topics.outcomes(), record.key(), outcome.toJson())).get();
    }

    private String header(ConsumerRecord<byte[], byte[]> record, String suffix) {
        return DeadLetterHeaders.text(record.headers(), topics, suffix).orElse("");
    }

    private String idOf(ConsumerRecord<byte[], byte[]> record) {
        return module.id() + ":" + record.partition() + ":" + record.offset() + " (" + keyOf(record) + ")";
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    private void wakeUpPoll() {
        try {
            consumer.wakeup();
        } catch (RuntimeException ignored) {
            // closed already
        }
    }

    // ---------------------------------------------------------------- state

    /** What the headers say about this delivery of an item; {@code firstFailedAt} null when nothing failed. */
    private record Delivery(int attempt, Instant firstFailedAt, boolean recheck, int rechecks, int rechecksSinceProgress, int parkings) {
    }

    /** What a handler thread reports to the polling thread about one item. */
    private sealed interface Completion {
        LaneSchedule.Ticket ticket();

        /** Done, dead-lettered or moved to a retry tier, acknowledged by Kafka: commit the offset after it. */
        record Finished(LaneSchedule.Ticket ticket) implements Completion {
        }

        /** Kafka did not acknowledge what the attempt wrote: seek back and redo the item at {@code dueAt}. */
        record Redo(LaneSchedule.Ticket ticket, Instant dueAt) implements Completion {
        }

        /** Interrupted (closing, revoked) or failed in the runtime: nothing to commit. */
        record Abandoned(LaneSchedule.Ticket ticket) implements Completion {
        }
    }

    // ---------------------------------------------------------------- clients

    private static Properties consumerProperties(WorkerSettings settings, ModuleId module, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(module));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxPollRecords()));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(settings.maxPollInterval().toMillis()));
        // After a crash the group waits this long for the dead member before reassigning its
        // partitions; Kafka's 45 s default kept a restarted `run` idle for most of a minute.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        // Cooperative rebalancing: scaling a module out moves only the partitions that change owner,
        // instead of stopping every worker of the group.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private static Properties producerProperties(WorkerSettings settings, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Long.toString(settings.maxRecordBytes()));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(64L * 1024 * 1024, 2 * settings.maxRecordBytes())));
        // Each send is awaited before the offset is committed: batching would only add latency.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
