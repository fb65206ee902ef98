package dev.forgebus.workers.health;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.HealthProbe;
import dev.forgebus.common.config.ProbeSink;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.forge.CloseReason;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.forge.ForgeIssue;

/**
 * Delivers one {@link StateChange} to every sink of its probe. Each sink is at-least-once: a failure
 * (a webhook that answers 500, a forge error) is thrown, the change stays pending in the progress
 * store and the retry delivers it to every sink again, so stdout, file and webhook may see it twice;
 * the issue sink checks the forge first and never opens a second issue.
 */
final class ProbeSinkDelivery {
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    private final ForgeClients clients;
    private final HttpClient http;
    private final PrintStream stdout;

    ProbeSinkDelivery(ForgeClients clients, HttpClient http, PrintStream stdout) {
        this.clients = clients;
        this.http = http;
        this.stdout = stdout;
    }

    /**
     * @param openIssue the issue this outage opened as far as the progress store knows, 0 when none
     * @return the open issue's number after delivery: the one opened or found when down, 0 when up
     */
    long deliver(HealthProbe probe, StateChange change, long openIssue) throws ForgeCallException, InterruptedException {
        long issue = change.down() ? openIssue : 0;
        for (ProbeSink sink : probe.sinks()) {
            switch (sink) {
                case ProbeSink.Stdout s -> stdout.println(change.line());
                case ProbeSink.JsonLinesFile f -> appendLine(f.path(), change.json().toString());
                case ProbeSink.Webhook w -> post(w, change);
                case ProbeSink.Issue g -> issue = change.down()
                        ? openIssue(g.repository(), change, openIssue)
                        : closeIssue(g.repository(), change, openIssue);
            }
        }
        return issue;
    }

    /** The issue title; also how an open issue of this probe is found again, since issue lists carry no body. */
    static String issueTitle(String probe) {
        return "[health-monitor] " + probe + " is down";
    }

    /** Written in the issue body so a person (and a search) can tell which probe opened it. */
    static String marker(String probe) {
        return "<!-- forgebus:health-monitor:" + probe + " -->";
    }

    /** One issue per outage: the remembered one if still open, else an open one with the marker title, else a new one. */
    private long openIssue(RepoRef repo, StateChange change, long remembered) throws ForgeCallException, InterruptedException {
        ForgeClient forge = clients.forOwner(repo.forgeId(), repo.owner());
        Optional<Long> existing = existingIssue(forge, repo, change.probe(), remembered);
        if (existing.isPresent()) {
            return existing.get();
        }
        String body = marker(change.probe()) + "\n\nThe health probe `" + change.probe() + "` is down since " + change.at()
                + ".\n\n" + "Failure: " + change.detail() + "\n\nForgebus comments and closes this issue when the probe is up again.";
        return forge.createIssue(repo, issueTitle(change.probe()), body, List.of()).number();
    }

    private long closeIssue(RepoRef repo, StateChange change, long remembered) throws ForgeCallException, InterruptedException {
        ForgeClient forge = clients.forOwner(repo.forgeId(), repo.owner());
        Optional<Long> existing = existingIssue(forge, repo, change.probe(), remembered);
        if (existing.isPresent()) {
            forge.comment(repo, existing.get(), "The health probe `" + change.probe() + "` is up again since " + change.at()
                    + " (" + change.detail() + "). Closing.");
            forge.closeIssue(repo, existing.get(), CloseReason.COMPLETED);
        }
        return 0;
    }

    private static Optional<Long> existingIssue(ForgeClient forge, RepoRef repo, String probe, long remembered)
            throws ForgeCallException, InterruptedException {
        if (remembered > 0) {
            Optional<ForgeIssue> known = forge.issue(repo, remembered);
            if (known.isPresent() && known.get().open()) {
                return Optional.of(remembered);
            }
        }
        String title = issueTitle(probe);
        return forge.openIssues(repo).stream().filter(i -> !i.pullRequest() && i.title().equals(title))
                .map(ForgeIssue::number).min(Long::compare);
    }

    /** Appends one JSON line and forces it to disk before the change counts as delivered. */
    static void appendLine(Path file, String line) throws ForgeCallException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
        } catch (IOException e) {
            throw ForgeCallException.transientFailure(0, "cannot append to the health sink file " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    /** POSTs the change as JSON; a non-2xx answer or no answer is a transient failure (the URL is a secret: never in the message). */
    private void post(ProbeSink.Webhook webhook, StateChange change) throws ForgeCallException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url().reveal())).timeout(WEBHOOK_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(change.json().toString())).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw ForgeCallException.transientFailure(response.statusCode(), "health webhook sink answered "
                        + response.statusCode());
            }
        } catch (IOException e) {
            throw ForgeCallException.transientFailure(0, "health webhook sink: no answer (" + e.getClass().getSimpleName() + ")");
        }
    }
}
