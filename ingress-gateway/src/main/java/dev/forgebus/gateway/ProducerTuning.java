package dev.forgebus.gateway;

/**
 * The producer settings that trade latency for throughput. The defaults were chosen by
 * measurement ({@code docs/benchmarks.md}); the benchmark varies them.
 *
 * @param batchSize   bytes per partition batch; webhooks are ~10 KB, so Kafka's 16 KB default
 *                    would send one record per request
 * @param lingerMs    how long a batch may wait for company
 * @param compression none, lz4, zstd, snappy or gzip
 */
public record ProducerTuning(int batchSize, int lingerMs, String compression) {
    public static final ProducerTuning DEFAULT = new ProducerTuning(256 * 1024, 2, "lz4");

    public ProducerTuning {
        if (batchSize < 1024 || lingerMs < 0) {
            throw new IllegalArgumentException("batchSize must be >= 1024 and lingerMs >= 0");
        }
    }

    @Override
    public String toString() {
        return "batch=" + (batchSize / 1024) + "KiB linger=" + lingerMs + "ms compression=" + compression;
    }
}
