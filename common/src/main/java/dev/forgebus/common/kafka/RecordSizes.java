package dev.forgebus.common.kafka;

/**
 * The one rule every role sizes Kafka by: the largest record a topic, producer, consumer or the
 * embedded broker must accept is a whole webhook body plus room for the envelope that wraps the
 * payload and the headers. Kept in one place so that no role refuses what another wrote.
 */
public final class RecordSizes {
    /** GitHub's cap on a webhook body, the default of {@code server.max_body_bytes}. */
    public static final long DEFAULT_MAX_BODY_BYTES = 26_214_400L;
    /** {@link #maxRecordBytes(long)} of the default body limit. */
    public static final long DEFAULT_MAX_RECORD_BYTES = maxRecordBytes(DEFAULT_MAX_BODY_BYTES);

    private RecordSizes() {
    }

    /** Body + 25 % (envelope JSON around the payload) + 2 MiB (headers, batch framing). */
    public static long maxRecordBytes(long maxBodyBytes) {
        return maxBodyBytes + maxBodyBytes / 4 + 2L * 1024 * 1024;
    }
}
