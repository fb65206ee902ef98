package dev.forgebus.common.config;

/**
 * The budget of one forge credential. Forgebus paces itself below it instead of finding the
 * limit by being refused, which on GitHub can escalate to secondary rate limits.
 *
 * @param requestsPerHour API calls per hour; the default is GitHub's 5000 for a token, and 3600
 *                        (one a second) for Forgejo and Gitea, which publish no budget
 * @param maxConcurrent   calls in flight at once with this credential
 * @param writesPerMinute content-creating calls (POST, PATCH, PUT, DELETE) a minute, paced apart
 *                        from the hourly budget; 0 = not paced apart. GitHub's documented
 *                        secondary limit is 80 a minute, the default there; Forgejo and Gitea
 *                        publish none
 */
public record RateLimit(int requestsPerHour, int maxConcurrent, int writesPerMinute) {

    public static final int DEFAULT_MAX_CONCURRENT = 10;
    /** GitHub's secondary limit on content-creating requests per credential. */
    public static final int GITHUB_WRITES_PER_MINUTE = 80;

    public RateLimit {
        if (writesPerMinute < 0) {
            throw new IllegalArgumentException("writesPerMinute must be >= 0, was " + writesPerMinute);
        }
    }

    /** Without separate write pacing. */
    public RateLimit(int requestsPerHour, int maxConcurrent) {
        this(requestsPerHour, maxConcurrent, 0);
    }

    public static RateLimit defaultsFor(ForgeType type) {
        return type == ForgeType.GITHUB
                ? new RateLimit(5000, DEFAULT_MAX_CONCURRENT, GITHUB_WRITES_PER_MINUTE)
                : new RateLimit(3600, DEFAULT_MAX_CONCURRENT, 0);
    }
}
