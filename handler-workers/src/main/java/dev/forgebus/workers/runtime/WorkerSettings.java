package dev.forgebus.workers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.WorkersConfig;
import dev.forgebus.common.kafka.RecordSizes;
import dev.forgebus.common.kafka.TopicNames;

/**
 * How a {@link ModuleWorker} runs. Immutable; every check happens here, at construction, so a
 * worker never starts with a setting it cannot honour.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topics           topic and header names (the configured prefix)
 * @param maxAttempts      attempts per work item, the first included ({@code workers.max_attempts})
 * @param backoff          wait before retry 1, 2, ...; the last entry repeats ({@code workers.backoff})
 * @param pollTimeout      the longest one {@code poll} blocks; also how late a due retry may be
 *                         noticed. Default {@value #DEFAULT_POLL_TIMEOUT_MS} ms
 * @param maxPollRecords   {@code max.poll.records}, and the bound on records fetched but not yet
 *                         handled across all partitions of this worker. Default {@value #DEFAULT_MAX_POLL_RECORDS}
 * @param maxPollInterval  {@code max.poll.interval.ms}. Handlers never run on the polling thread and
 *                         retries wait in retry topics, their partitions paused, so neither a slow handler nor a long
 *                         backoff comes near it. Default 5 minutes (Kafka's)
 * @param concurrency      handler threads: items of different partitions handled at once (items of
 *                         one partition are always handled one after another). Default {@value #DEFAULT_CONCURRENCY}
 * @param closeTimeout     how long {@code close()} and a partition revocation wait for items in
 *                         flight before abandoning them (they are redone: nothing was committed).
 *                         Default {@value #DEFAULT_CLOSE_TIMEOUT_S} s
 * @param maxRecordBytes   the largest dead letter the producer must send (webhook bodies reach 25 MiB)
 * @param clock            decides when a retry is due and stamps {@code error.first-failed-at} and
 *                         outcomes; tests inject a controllable one
 */
public record WorkerSettings(String bootstrapServers, TopicNames topics, int maxAttempts, List<Duration> backoff,
                             Duration pollTimeout, int maxPollRecords, Duration maxPollInterval, int concurrency,
                             Duration closeTimeout, long maxRecordBytes, Clock clock) {

    public static final long DEFAULT_POLL_TIMEOUT_MS = 100;
    public static final int DEFAULT_MAX_POLL_RECORDS = 50;
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);
    public static final int DEFAULT_CONCURRENCY = 4;
    public static final long DEFAULT_CLOSE_TIMEOUT_S = 10;
    /** For the default 25 MiB body, as the app sizes topics and the embedded broker. */
    public static final long DEFAULT_MAX_RECORD_BYTES = RecordSizes.DEFAULT_MAX_RECORD_BYTES;

    public WorkerSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        Objects.requireNonNull(topics, "topics");
        backoff = List.copyOf(backoff);
        // RetryPolicy checks maxAttempts and backoff entries.
        new RetryPolicy(maxAttempts, backoff);
        requirePositive("pollTimeout", pollTimeout);
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be at least 1, got " + maxPollRecords);
        }
        requirePositive("maxPollInterval", maxPollInterval);
        if (maxPollInterval.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxPollInterval must fit in an int of milliseconds, got " + maxPollInterval);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        requirePositive("closeTimeout", closeTimeout);
        if (maxRecordBytes < 1024 || maxRecordBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxRecordBytes must be between 1024 and " + Integer.MAX_VALUE + ", got " + maxRecordBytes);
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** Defaults for everything but the cluster and the topic names. */
    public static WorkerSettings defaults(String bootstrapServers, TopicNames topics) {
        return new WorkerSettings(bootstrapServers, topics, WorkersConfig.DEFAULT_MAX_ATTEMPTS,
                WorkersConfig.DEFAULT_BACKOFF, Duration.ofMillis(DEFAULT_POLL_TIMEOUT_MS),
                DEFAULT_MAX_POLL_RECORDS, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_CONCURRENCY,
                Duration.ofSeconds(DEFAULT_CLOSE_TIMEOUT_S), DEFAULT_MAX_RECORD_BYTES, Clock.systemUTC());
    }

    /** The settings a config file asks for: prefix, {@code workers.*}, record size from {@code server.max_body_bytes}. */
    public static WorkerSettings of(String bootstrapServers, ForgebusConfig config) {
        return defaults(bootstrapServers, new TopicNames(config.kafka().topicPrefix()))
                .withRetries(config.workers().maxAttempts(), config.workers().backoff())
                .withMaxRecordBytes(RecordSizes.maxRecordBytes(config.server().maxBodyBytes()));
    }

    /** The consumer group of a module: {@code <topic_prefix>.<module id>}. */
    public String groupId(ModuleId module) {
        return topics.prefix() + "." + module.id();
    }

    /** Retry topics per module: one per {@code backoff} entry, at least one (SPEC 5, {@code <prefix>.retry.<module>.<n>}). */
    public int retryTiers() {
        return Math.max(1, backoff.size());
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts, backoff);
    }

    public WorkerSettings withRetries(int newMaxAttempts, List<Duration> newBackoff) {
        return new WorkerSettings(bootstrapServers, topics, newMaxAttempts, newBackoff, pollTimeout, maxPollRecords,
                maxPollInterval, concurrency, closeTimeout, maxRecordBytes, clock);
    }

    public WorkerSettings withPollTimeout(Duration newPollTimeout) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, newPollTimeout, maxPollRecords,
                maxPollInterval, concurrency, closeTimeout, maxRecordBytes, clock);
    }

    public WorkerSettings withMaxPollRecords(int newMaxPollRecords) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, pollTimeout, newMaxPollRecords,
                maxPollInterval, concurrency, closeTimeout, maxRecordBytes, clock);
    }

    public WorkerSettings withMaxPollInterval(Duration newMaxPollInterval) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, pollTimeout, maxPollRecords,
                newMaxPollInterval, concurrency, closeTimeout, maxRecordBytes, clock);
    }

    public WorkerSettings withConcurrency(int newConcurrency) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, pollTimeout, maxPollRecords,
                maxPollInterval, newConcurrency, closeTimeout, maxRecordBytes, clock);
    }

    public WorkerSettings withCloseTimeout(Duration newCloseTimeout) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, pollTimeout, maxPollRecords,
                maxPollInterval, concurrency, newCloseTimeout, maxRecordBytes, clock);
    }

    public WorkerSettings withMaxRecordBytes(long newMaxRecordBytes) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, pollTimeout, maxPollRecords,
                maxPollInterval, concurrency, closeTimeout, newMaxRecordBytes, clock);
    }

    public WorkerSettings withClock(Clock newClock) {
        return new WorkerSettings(bootstrapServers, topics, maxAttempts, backoff, pollTimeout, maxPollRecords,
                maxPollInterval, concurrency, closeTimeout, maxRecordBytes, newClock);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
