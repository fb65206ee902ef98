package dev.forgebus.fakeforge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the fake forge knows: repositories, their labels and issues. Owners and repository names
 * are matched case-insensitively, as every supported forge does. Every method is atomic (the
 * object is its own lock), so a request that adds several labels is seen whole or not at all.
 */
final class ForgeState {

    /** A repository label. {@code color} is six hex digits without '#', as both forges answer it. */
    record Label(long id, String name, String color) {
    }

    /** Outcome of an add-labels request: the issue's labels after it, or why it was refused. */
    sealed interface AddResult {
        record Added(List<Label> issueLabels) implements AddResult {
        }

        record NoSuchIssue() implements AddResult {
        }

        record UnknownLabel(String which) implements AddResult {
        }
    }

    private static final class Repo {
        final List<Label> labels = new ArrayList<>();
        final Map<Long, Issue> issues = new TreeMap<>();
    }

    private static final class Issue {
        final String title;
        final Set<Long> labelIds = new LinkedHashSet<>();

        Issue(String title) {
            this.title = title;
        }
    }

    private final Map<String, Repo> repos = new HashMap<>();
    private long nextLabelId = 1;

    synchronized void reset() {
        repos.clear();
        nextLabelId = 1;
    }

    synchronized void createIssue(String owner, String repo, long number, String title) {
        repoOrCreate(owner, repo).issues.put(number, new Issue(title));
    }

    synchronized Label createLabel(String owner, String repo, String name, String color) {
        Label label = new Label(nextLabelId++, name, color);
        repoOrCreate(owner, repo).labels.add(label);
        return label;
    }

    synchronized boolean hasRepository(String owner, String repo) {
        return repos.containsKey(key(owner, repo));
    }

    synchronized boolean hasIssue(String owner, String repo, long number) {
        return issue(owner, repo, number).isPresent();
    }

    synchronized List<Label> repositoryLabels(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.labels);
    }

    /** The labels on an issue, empty when there is no such issue. */
    synchronized Optional<List<Label>> issueLabels(String owner, String repo, long number) {
        return issue(owner, repo, number).map(issue -> labelsOf(repos.get(key(owner, repo)), issue));
    }

    synchronized Optional<String> title(String owner, String repo, long number) {
        return issue(owner, repo, number).map(issue -> issue.title);
    }

    /**
     * GitHub's way: labels by name, matched case-insensitively; a missing one is created with
     * {@code color}.
     */
    synchronized AddResult addLabelsByName(String owner, String repo, long number, List<String> names, String color) {
        Optional<Issue> issue = issue(owner, repo, number);
        if (issue.isEmpty()) {
            return new AddResult.NoSuchIssue();
        }
        Repo r = repos.get(key(owner, repo));
        for (String name : names) {
            Label label = r.labels.stream().filter(l -> l.name().equalsIgnoreCase(name)).findFirst()
                    .orElseGet(() -> {
                        Label created = new Label(nextLabelId++, name, color);
                        r.labels.add(created);
                        return created;
                    });
            issue.get().labelIds.add(label.id());
        }
        return new AddResult.Added(labelsOf(r, issue.get()));
    }

    /** Forgejo's way: label ids of this repository; any unknown id refuses the whole request. */
    synchronized AddResult addLabelsById(String owner, String repo, long number, List<Long> ids) {
        Optional<Issue> issue = issue(owner, repo, number);
        if (issue.isEmpty()) {
            return new AddResult.NoSuchIssue();
        }
        Repo r = repos.get(key(owner, repo));
        for (long id : ids) {
            if (r.labels.stream().noneMatch(l -> l.id() == id)) {
                return new AddResult.UnknownLabel("id " + id);
            }
        }
        issue.get().labelIds.addAll(ids);
        return new AddResult.Added(labelsOf(r, issue.get()));
    }

    private Optional<Issue> issue(String owner, String repo, long number) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? Optional.empty() : Optional.ofNullable(r.issues.get(number));
    }

    private Repo repoOrCreate(String owner, String repo) {
        return repos.computeIfAbsent(key(owner, repo), k -> new Repo());
    }

    private static List<Label> labelsOf(Repo repo, Issue issue) {
        List<Label> labels = new ArrayList<>();
        for (long id : issue.labelIds) {
            repo.labels.stream().filter(l -> l.id() == id).findFirst().ifPresent(labels::add);
        }
        return List.copyOf(labels);
    }

    private static String key(String owner, String repo) {
        return (owner + "/" + repo).toLowerCase(Locale.ROOT);
    }
}
