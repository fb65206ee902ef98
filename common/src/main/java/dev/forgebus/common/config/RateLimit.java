package dev.forgebus.common.config;

/**
 * The budget of one forge credential. Forgebus paces itself below it instead of finding the
 * limit by being refused, which on GitHub can escalate to secondary rate limits.
 *
 * @param requestsPerHour API calls per hour; the default is GitHub's 5000 for a token, and 3600
 *                        (one a second) for Forgejo and Gitea, which publish no budget
 * @param maxConcurrent   calls in flight at once with this credential
 */
public record RateLimit(int requestsPerHour, int maxConcurrent) {

    public static final int DEFAULT_MAX_CONCURRENT = 10;

    public static RateLimit defaultsFor(ForgeType type) {
        return new RateLimit(type == ForgeType.GITHUB ? 5000 : 3600, DEFAULT_MAX_CONCURRENT);
    }
}
