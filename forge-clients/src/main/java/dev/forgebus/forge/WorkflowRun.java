package dev.forgebus.forge;

import java.time.Instant;
import java.util.Objects;

/** One run of a workflow. {@code completed} is false while queued or in progress. */
public record WorkflowRun(long id, boolean completed, boolean succeeded, Instant createdAt, String htmlUrl) {

    public WorkflowRun {
        Objects.requireNonNull(createdAt, "createdAt");
        htmlUrl = htmlUrl == null ? "" : htmlUrl;
    }
}
