package dev.forgebus.app;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RecordSizes;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.workers.dlq.DeadLetter;
import dev.forgebus.workers.dlq.DeadLetterId;
import dev.forgebus.workers.dlq.DeadLetterSource;
import dev.forgebus.workers.dlq.DeadLetters;
import dev.forgebus.workers.dlq.ReplayMark;
import dev.forgebus.workers.dlq.ReplayRequest;
import dev.forgebus.workers.dlq.ReplayResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code forgebus dlq list | show | replay} (SPEC 3): inspect and replay dead letters. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay dead letters.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand {
    static final String NOTHING_SELECTED = "nothing selected: name --module, --id or --since, or pass --all to replay every dead letter";

    static DeadLetters open(ConfigOption option) {
        ForgebusConfig config = option.load();
        return new DeadLetters(Limits.bootstrapServers(config), new TopicNames(config.kafka().topicPrefix()),
                DeadLetters.DEFAULT_TIMEOUT, RecordSizes.maxRecordBytes(config.server().maxBodyBytes()), java.time.Clock.systemUTC(),
                config.modules());
    }

    static Optional<DeadLetterSource> source(ConfigOption config, String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(DeadLetterSource.byId(config.modules().catalog(), id).orElseThrow(() -> new UserError("unknown module '" + id + "' (a module id or dedup)")));
    }

    static DeadLetterId id(ConfigOption config, String id) {
        try {
            return DeadLetterId.parse(config.modules().catalog(), id);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    static String replayed(ReplayMark mark) {
        return mark == null ? "-" : mark.times() + "x " + mark.lastAt();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--module", description = "only this module (or dedup)") String module;
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})") int limit;
        @Option(names = "--since", description = "only dead letters since this ISO-8601 instant") Instant since;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new UserError("--limit must be at least 1");
            }
            Optional<DeadLetterSource> source = source(config, module);
            try (DeadLetters letters = open(config)) {
                PrintWriter out = spec.commandLine().getOut();
                List<DeadLetter> found = letters.list(source, limit, Optional.ofNullable(since));
                out.printf("%-28s %-36s %-14s %-8s %-7s %-24s %s%n", "ID", "DELIVERY", "EVENT", "ATTEMPTS", "REPLAYS", "REPLAYED", "ERROR");
                for (DeadLetter l : found) {
                    out.printf("%-28s %-36s %-14s %-8d %-7d %-24s %s%n", l.id(), l.deliveryId(), l.event(), l.attempts(), l.replayCount(),
                            replayed(l.replayed()), l.errorMessage());
                }
                out.printf("%d dead letter(s)%n", found.size());
                return 0;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter with its headers and value, as JSON.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Parameters(paramLabel = "ID", description = "module:partition:offset (module may be dedup)") String id;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            DeadLetterId parsed = id(config, id);
            try (DeadLetters letters = open(config)) {
                DeadLetter letter = letters.show(parsed).orElseThrow(() -> new UserError("no dead letter " + parsed));
                spec.commandLine().getOut().println(new String(Json.write(letter), java.nio.charset.StandardCharsets.UTF_8));
                return 0;
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put dead letters back on their work topic (dedup's on raw). Name what to replay, or --all.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--module", description = "only this module (or dedup)") String module;
        @Option(names = "--id", description = "a dead letter id (module:partition:offset); repeatable") List<String> ids;
        @Option(names = "--since", description = "only dead letters since this ISO-8601 instant") Instant since;
        @Option(names = "--all", description = "every dead letter of every module and dedup; not with --module, --id or --since") boolean all;
        @Option(names = "--again", description = "replay dead letters that were replayed before, too (skipped otherwise)") boolean again;
        @Option(names = "--dry-run", description = "list what would be replayed, replay nothing") boolean dryRun;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ReplayRequest request = request();
            try (DeadLetters letters = open(config)) {
                ReplayResult result = letters.replay(request);
                PrintWriter out = spec.commandLine().getOut();
                result.replayed().forEach(r -> out.printf("%s %s %s -> %s%n", dryRun ? "would replay" : "replayed", r.deadLetterId(),
                        r.deliveryId(), r.topic()));
                result.skipped().forEach(s -> out.printf("skipped %s: %s%n", s.deadLetterId(), s.reason().replace("ask again", "pass --again")));
                result.notFound().forEach(id -> out.printf("not found %s%n", id));
                out.printf("%d %s, %d skipped (replayed before%s)%n", result.replayed().size(),
                        dryRun ? "would be replayed (dry run)" : "replayed", result.skipped().size(), again ? "" : "; --again replays them");
                return result.notFound().isEmpty() ? 0 : 1;
            }
        }

        private ReplayRequest request() {
            Optional<DeadLetterSource> source = source(config, module);
            List<DeadLetterId> parsed = ids == null ? List.of() : ids.stream().map(i -> id(config, i)).toList();
            if (!all && source.isEmpty() && parsed.isEmpty() && since == null) {
                throw new UserError(NOTHING_SELECTED);
            }
            try {
                return new ReplayRequest(source, parsed, Optional.ofNullable(since), all, dryRun, again);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage().replace("say all", "pass --all").replace("all replays", "--all replays"));
            }
        }
    }
}
