package dev.forgebus.dedup;

/**
 * Why dedup-streams dead-lettered a raw record; the name is the {@code error.class} header of the
 * letter in {@code <prefix>.dlq.dedup}.
 */
enum DeadLetterReason {
    /** Headers missing or invalid, or a payload outside the JSON limits: nothing can route it. */
    UNREADABLE,
    /** Its envelope would be over the record limit of the work topics. */
    TOO_LARGE,
    /** A write to an output topic failed for good (the production handler's last resort). */
    WRITE_FAILED,
    /** Routing it threw (a bug, or a payload that broke an assumption). */
    PROCESSING_FAILED;

    /** Longest message kept in a header or trace reason: the reason, not a copy of the input. */
    static final int MAX_MESSAGE = 500;

    static String bounded(String message) {
        String m = message == null ? "" : message;
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "...";
    }
}
