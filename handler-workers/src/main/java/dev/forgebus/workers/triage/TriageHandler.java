package dev.forgebus.workers.triage;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.TriageSettings;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * Triage and auto-labelling (SPEC 7.2): when an issue or pull request is opened or edited, add
 * the labels of every title keyword rule that hits, plus the needs-triage label when configured
 * and no rule hit.
 *
 * <p>Idempotent: it reads the item's labels first and adds only the missing ones, so a delivery
 * processed again makes no second change. Labels are compared ignoring case, as forges show them.
 * It only ever adds labels; removing a rule's label by hand is respected until the title is
 * edited again.
 *
 * <p>Its settings come from the item's {@link HandlerContext#settings()}: the main config, with
 * the repository's {@code .ops.yaml} over it. A broken {@code .ops.yaml} is named in the item's
 * outcome ({@link Result.Done#note()}). It never asks for a re-check.
 */
public final class TriageHandler implements ModuleHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TriageHandler.class);

    @Override
    public ModuleId module() {
        return ModuleId.TRIAGE;
    }

    /** Handles the item; the note names a broken {@code .ops.yaml} that was ignored. */
    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        // The router decided that this event starts triage (StandardModules.TRIAGE): not decided again here.
        EventEnvelope item = work.envelope();
        RepoSettingsSource.Resolved resolved = context.settings();
        Optional<TriageSettings> triage = resolved.settings().triage().filter(TriageSettings::enabled);
        if (triage.isPresent()) {
            triage(item, triage.get(), context.clients());
        }
        return resolved.problem().map(Result::done).orElse(Result.DONE);
    }

    private static void triage(EventEnvelope item, TriageSettings triage, ForgeClients clients) throws ForgeCallException, InterruptedException {
        Subject subject = Subject.of(item);
        List<String> wanted = labelsFor(triage, subject.title());
        if (wanted.isEmpty()) {
            return;
        }
        RepoRef repo = new RepoRef(item.forge(), item.owner(), item.repo());
        ForgeClient forge = clients.forOwner(item.forge(), item.owner());
        List<String> missing = missing(wanted, forge.labels(repo, subject.number()));
        if (missing.isEmpty()) {
            return;
        }
        forge.addLabels(repo, subject.number(), missing);
        LOG.info("triage {}#{} ({}): added labels {}", repo, subject.number(), item.deliveryId(), missing);
    }

    /** The rules' labels, or the needs-triage label when configured and no rule hit. */
    static List<String> labelsFor(TriageSettings triage, String title) {
        TitleRules rules = TitleRules.of(triage.rules());
        if (rules.hits(title).isEmpty()) {
            return triage.addNeedsTriageLabel() ? List.of(triage.needsTriageLabel()) : List.of();
        }
        return rules.labelsFor(title);
    }

    private static List<String> missing(List<String> wanted, List<String> present) {
        Set<String> have = new LinkedHashSet<>();
        present.forEach(label -> have.add(label.toLowerCase(Locale.ROOT)));
        return wanted.stream().filter(label -> !have.contains(label.toLowerCase(Locale.ROOT))).toList();
    }

    /**
     * What is being triaged: the issue or pull request number and title. GitHub puts the number
     * in {@code issue.number} / {@code pull_request.number}; Gitea and Forgejo also at the top
     * level ({@code number}).
     */
    record Subject(long number, String title) {

        static Subject of(EventEnvelope item) {
            JsonNode payload = item.payload();
            JsonNode subject = payload.path(item.event().equals("issues") ? "issue" : "pull_request");
            JsonNode number = subject.path("number").canConvertToLong() ? subject.path("number") : payload.path("number");
            if (!number.canConvertToLong() || number.asLong() < 1) {
                // Retrying cannot mend a payload: dead-letter it at once, with the reason.
                throw InvalidInputException.payload(item.eventAction() + " delivery " + item.deliveryId()
                        + " has no issue or pull request number");
            }
            return new Subject(number.asLong(), subject.path("title").asText(""));
        }
    }
}
