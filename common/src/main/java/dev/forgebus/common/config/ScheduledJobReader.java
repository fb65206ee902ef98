package dev.forgebus.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;

/** Reads the top-level, schedule-driven lists: {@code cron_dispatch} and {@code health_monitor}. */
final class ScheduledJobReader {

    static final List<String> CRON_KEYS = List.of("name", "schedule", "time_zone", "workflow", "repos", "sequential",
            "wait_for_completion", "ref", "run_timeout");
    static final List<String> PROBE_KEYS = List.of("name", "url", "every", "expect_status", "timeout", "sinks",
            "expect_body_contains", "failures_before_down", "follow_redirects");
    private static final List<String> SINK_KEYS = List.of("file", "webhook", "issue", "github_issue");
    private static final Pattern REPO_PATTERN = Pattern.compile("(?:([^:/\\s]+):)?[A-Za-z0-9_.*?\\[\\]!-]+/[A-Za-z0-9_.*?\\[\\]!-]+");
    private static final String SINK_SHAPES = "stdout, {file: path}, {webhook: url}, {issue: forge:Owner/repo} or {github_issue: Owner/repo}";

    private final ForgeDirectory forges;

    ScheduledJobReader(ForgeDirectory forges) {
        this.forges = forges;
    }

    List<CronDispatchJob> cronDispatch(YamlBlock top) {
        List<CronDispatchJob> jobs = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<Node> items = top.items("cron_dispatch");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            YamlBlock.open(top.reader(), item, "cron_dispatch[" + i + "]", ConfigProblems.lineOf(item), CRON_KEYS)
                    .flatMap(job -> cronJob(job, names)).ifPresent(jobs::add);
        }
        return jobs;
    }

    private Optional<CronDispatchJob> cronJob(YamlBlock job, Map<String, Integer> names) {
        Optional<String> name = uniqueName(job, names, ScheduledJobs.CRON_DISPATCH);
        if (!job.isSet("schedule")) {
            job.missing("schedule");
        }
        Optional<String> schedule = ModuleReader.schedule(job, "schedule");
        ZoneId timeZone = ModuleReader.timeZone(job, "time_zone");
        Optional<String> workflow = job.requiredString("workflow");
        if (!job.isSet("repos")) {
            job.missing("repos");
        }
        List<String> repos = job.strings("repos", List.of());
        for (String pattern : repos) {
            var m = REPO_PATTERN.matcher(pattern);
            if (!m.matches()) {
                job.problem("repos", "expected repository patterns such as 'MyOrg/*' or 'forge:MyOrg/app-*', got '"
                        + pattern + "'");
            } else if (m.group(1) != null && !forges.isDeclared(m.group(1))) {
                job.problem("repos", forges.unknownForge(m.group(1)));
            }
        }
        if (job.isSet("repos") && repos.isEmpty()) {
            job.problem("repos", "must list at least one repository pattern");
        }
        boolean sequential = job.bool("sequential", true);
        boolean wait = job.bool("wait_for_completion", false);
        Optional<String> ref = job.optionalString("ref");
        var runTimeout = job.duration("run_timeout", CronDispatchJob.DEFAULT_RUN_TIMEOUT);
        if (runTimeout.isNegative() || runTimeout.isZero()) {
            job.problem("run_timeout", "must be positive");
            runTimeout = CronDispatchJob.DEFAULT_RUN_TIMEOUT;
        }
        if (name.isEmpty() || schedule.isEmpty() || workflow.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CronDispatchJob(name.get(), schedule.get(), timeZone, workflow.get(), repos, sequential, wait, ref,
                runTimeout));
    }

    List<HealthProbe> healthMonitor(YamlBlock top) {
        List<HealthProbe> probes = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<Node> items = top.items("health_monitor");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            YamlBlock.open(top.reader(), item, "health_monitor[" + i + "]", ConfigProblems.lineOf(item), PROBE_KEYS)
                    .flatMap(probe -> probe(probe, names)).ifPresent(probes::add);
        }
        return probes;
    }

    private Optional<HealthProbe> probe(YamlBlock probe, Map<String, Integer> names) {
        Optional<String> name = uniqueName(probe, names, ScheduledJobs.HEALTH_MONITOR);
        if (!probe.isSet("url")) {
            probe.missing("url");
        }
        var url = probe.httpUrl("url");
        var every = probe.duration("every", HealthProbe.DEFAULT_EVERY);
        if (every.toSeconds() < 1 || every.toNanos() % 1_000_000_000L != 0) {
            // Fire times are whole seconds since the epoch: they are part of the tick ids.
            probe.problem("every", "must be a whole number of seconds, at least 1s");
            every = HealthProbe.DEFAULT_EVERY;
        }
        int expectStatus = probe.integer("expect_status", HealthProbe.DEFAULT_EXPECT_STATUS, 100, 599);
        var timeout = probe.duration("timeout", HealthProbe.DEFAULT_TIMEOUT);
        List<ProbeSink> sinks = probe.isSet("sinks") ? sinks(probe) : List.of(new ProbeSink.Stdout());
        Optional<String> bodyContains = probe.optionalString("expect_body_contains");
        int failuresBeforeDown = probe.integer("failures_before_down", HealthProbe.DEFAULT_FAILURES_BEFORE_DOWN, 1, 100);
        HealthProbe.FollowRedirects followRedirects = probe.choice("follow_redirects", HealthProbe.FollowRedirects.SAME_HOST,
                HealthProbe.FollowRedirects.values(), HealthProbe.FollowRedirects::id);
        if (name.isEmpty() || url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HealthProbe(name.get(), url.get(), every, expectStatus, timeout, sinks,
                bodyContains, failuresBeforeDown, followRedirects));
    }

    private List<ProbeSink> sinks(YamlBlock probe) {
        List<ProbeSink> sinks = new ArrayList<>();
        List<Node> items = probe.items("sinks");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String path = probe.pathOf("sinks") + "[" + i + "]";
            if (item instanceof MappingNode) {
                YamlBlock.open(probe.reader(), item, path, ConfigProblems.lineOf(item), SINK_KEYS)
                        .flatMap(this::sink).ifPresent(sinks::add);
            } else {
                probe.reader().text(item, path, SINK_SHAPES).ifPresent(t -> {
                    if (t.value().strip().equals("stdout")) {
                        sinks.add(new ProbeSink.Stdout());
                    } else {
                        probe.reader().problem(item, path, "expected " + SINK_SHAPES + ", got " + t.shown());
                    }
                });
            }
        }
        return sinks;
    }

    /** Empty also for a webhook sink whose URL is empty, so {@code ${X:-}} switches it off. */
    private Optional<ProbeSink> sink(YamlBlock sink) {
        if (sink.keys().size() != 1) {
            sink.reader().problems().add(sink.line(), sink.path() + ": a sink is one of " + SINK_SHAPES);
            return Optional.empty();
        }
        return switch (sink.keys().iterator().next()) {
            case "file" -> sink.requiredString("file").flatMap(text -> {
                try {
                    return Optional.of(new ProbeSink.JsonLinesFile(Path.of(text)));
                } catch (InvalidPathException e) {
                    sink.problem("file", "not a valid path: " + e.getReason());
                    return Optional.empty();
                }
            });
            case "webhook" -> ModuleReader.webhookUrl(sink, "webhook").map(ProbeSink.Webhook::new);
            // issue: any declared forge, the prefix required unless only one forge is declared;
            // github_issue: as before, unprefixed means the only GitHub forge.
            case "issue" -> issueSink(sink, "issue", forges.ids().size() == 1 ? Optional.of(forges.ids().get(0)) : Optional.empty());
            default -> issueSink(sink, "github_issue", forges.onlyForgeOfType(ForgeType.GITHUB));
        };
    }

    private Optional<ProbeSink> issueSink(YamlBlock sink, String key, Optional<String> defaultForge) {
        if (!sink.isSet(key)) {
            sink.missing(key);
        }
        return sink.text(key).flatMap(t -> forges.repoRef(t, sink.pathOf(key), defaultForge, sink.reader()))
                .map(ProbeSink.Issue::new);
    }

    /**
     * Names identify jobs in tick delivery ids ({@code cron:<jobPrefix><name>@<time>}) and sink
     * output, so they are required, unique, and short enough for a delivery id.
     */
    static Optional<String> uniqueName(YamlBlock block, Map<String, Integer> firstLines, String jobPrefix) {
        Optional<String> name = block.requiredString("name");
        name.ifPresent(n -> {
            if (!ForgeDirectory.NAME.matcher(n).matches()) {
                block.problem("name", "may only contain letters, digits, '.', '_' and '-', got '" + n + "'");
            } else {
                jobNameProblem(jobPrefix + n).ifPresent(p -> block.problem("name", p));
            }
            Integer first = firstLines.putIfAbsent(n, block.lineOf("name"));
            if (first != null) {
                block.problem("name", "'" + n + "' is already used at line " + first);
            }
        });
        return name;
    }

    /** Empty when {@code jobName} fits in a tick's delivery id, else why not. */
    static Optional<String> jobNameProblem(String jobName) {
        return jobName.length() > ScheduledJob.MAX_NAME
                ? Optional.of("too long: the job name '" + jobName.substring(0, 40) + "...' has " + jobName.length()
                        + " characters, at most " + ScheduledJob.MAX_NAME + " fit in a tick's delivery id")
                : Optional.empty();
    }
}
