package dev.forgebus.workers.stale;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.StaleSettings;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Activity on a stale-labelled item, from its webhook (the trigger in {@code StandardModules.STALE}
 * chose it: a comment not written by Forgebus, or a push to a pull request): the stale label comes
 * off at once instead of at the next sweep. Idempotent: the item's current labels are read first, so
 * a redelivery or a label already removed makes no call.
 */
final class StaleActivity {

    private StaleActivity() {
    }

    static Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        var envelope = work.envelope();
        JsonNode payload = envelope.payload();
        JsonNode item = envelope.event().equals("pull_request") ? payload.path("pull_request") : payload.path("issue");
        long number = item.path("number").asLong(0);
        if (number <= 0) {
            throw InvalidInputException.payload("a stale activity event names its issue or pull request");
        }
        Optional<StaleSettings> settings = context.settings().settings().stale().filter(StaleSettings::enabled);
        if (settings.isEmpty()) {
            return Result.done("stale cleanup is not enabled for " + envelope.owner() + "/" + envelope.repo());
        }
        RepoRef repo = new RepoRef(envelope.forge(), envelope.owner(), envelope.repo());
        ForgeClient client = context.clients().forOwner(envelope.forge(), envelope.owner());
        String label = settings.get().staleLabel();
        Optional<String> present = client.labels(repo, number).stream()
                .filter(l -> l.toLowerCase(Locale.ROOT).equals(label.toLowerCase(Locale.ROOT))).findFirst();
        if (present.isEmpty()) {
            return Result.done("#" + number + " is not labelled " + label + " (any more): nothing to remove");
        }
        if (settings.get().dryRun()) {
            return Result.done("dry run, not written: would unmark " + repo.repo() + "#" + number + " after " + envelope.eventAction());
        }
        client.removeLabel(repo, number, present.get());
        return Result.done("unmarked #" + number + " after " + envelope.eventAction());
    }
}
