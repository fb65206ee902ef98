package dev.forgebus.app;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RecordSizes;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.workers.dlq.DeadLetter;
import dev.forgebus.workers.dlq.DeadLetters;
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

    static DeadLetters open(ConfigOption option) {
        ForgebusConfig config = option.load();
        return new DeadLetters(Limits.bootstrapServers(config), new TopicNames(config.kafka().topicPrefix()),
                DeadLetters.DEFAULT_TIMEOUT, RecordSizes.maxRecordBytes(config.server().maxBodyBytes()));
    }

    static Optional<ModuleId> module(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(ModuleId.byId(id).orElseThrow(() -> new UserError("unknown module '" + id + "'")));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--module", description = "only this module") String module;
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})") int limit;
        @Option(names = "--since", description = "only dead letters since this ISO-8601 instant") Instant since;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (DeadLetters letters = open(config)) {
                PrintWriter out = spec.commandLine().getOut();
                List<DeadLetter> found = letters.list(module(module), limit, Optional.ofNullable(since));
                out.printf("%-28s %-36s %-14s %-8s %-7s %s%n", "ID", "DELIVERY", "EVENT", "ATTEMPTS", "REPLAYS", "ERROR");
                for (DeadLetter l : found) {
                    out.printf("%-28s %-36s %-14s %-8d %-7d %s%n", l.id(), l.deliveryId(), l.event(), l.attempts(), l.replayCount(),
                            l.errorMessage());
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
        @Parameters(paramLabel = "ID", description = "module:partition:offset") String id;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (DeadLetters letters = open(config)) {
                DeadLetter letter = letters.show(id).orElseThrow(() -> new UserError("no dead letter " + id));
                spec.commandLine().getOut().println(new String(Json.write(letter), java.nio.charset.StandardCharsets.UTF_8));
                return 0;
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Put dead letters back on their work topic.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--module", description = "only this module") String module;
        @Option(names = "--id", description = "a dead letter id (module:partition:offset); repeatable") List<String> ids;
        @Option(names = "--since", description = "only dead letters since this ISO-8601 instant") Instant since;
        @Option(names = "--dry-run", description = "list what would be replayed, replay nothing") boolean dryRun;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (DeadLetters letters = open(config)) {
                ReplayResult result = letters.replay(new ReplayRequest(module(module), ids == null ? List.of() : ids,
                        Optional.ofNullable(since), dryRun));
                PrintWriter out = spec.commandLine().getOut();
                result.replayed().forEach(r -> out.printf("%s %s %s%n", dryRun ? "would replay" : "replayed", r.deadLetterId(), r.deliveryId()));
                result.notFound().forEach(id -> out.printf("not found %s%n", id));
                out.printf("%d %s%n", result.replayed().size(), dryRun ? "would be replayed (dry run)" : "replayed");
                return result.notFound().isEmpty() ? 0 : 1;
            }
        }
    }
}
