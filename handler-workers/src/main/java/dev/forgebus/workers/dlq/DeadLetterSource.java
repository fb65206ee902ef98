package dev.forgebus.workers.dlq;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Who wrote a dead letter, which decides where it is read from and where a replay sends it: a
 * module's worker ({@code dlq.<module>}, replayed to {@code work.<module>}) or dedup-streams
 * ({@code dlq.dedup}: raw records it could not process, replayed to {@code raw}).
 */
public sealed interface DeadLetterSource {

    /** The name in ids, {@code --module} and {@code "module"}: a module id or {@code dedup}. */
    String id();

    /** The topic its dead letters are in. */
    String deadLetterTopic(TopicNames topics);

    /** The topic a replay sends its dead letters to. */
    String replayTopic(TopicNames topics);

    /** A module worker's dead letters: work items. */
    record Module(ModuleId module) implements DeadLetterSource {
        public Module {
            Objects.requireNonNull(module, "module");
        }

        @Override
        public String id() {
            return module.id();
        }

        @Override
        public String deadLetterTopic(TopicNames topics) {
            return topics.deadLetters(module.id());
        }

        @Override
        public String replayTopic(TopicNames topics) {
            return topics.work(module.id());
        }
    }

    /** dedup-streams' dead letters: raw records (webhook bodies with the raw headers). */
    record Dedup() implements DeadLetterSource {
        @Override
        public String id() {
            return TopicNames.DEDUP;
        }

        @Override
        public String deadLetterTopic(TopicNames topics) {
            return topics.dedupDeadLetters();
        }

        @Override
        public String replayTopic(TopicNames topics) {
            return topics.raw();
        }
    }

    DeadLetterSource DEDUP = new Dedup();

    static DeadLetterSource of(ModuleId module) {
        return new Module(module);
    }

    /** The source named {@code id}, empty for a name that is neither a module nor {@code dedup}. */
    static Optional<DeadLetterSource> byId(ModuleCatalog modules, String id) {
        if (TopicNames.DEDUP.equals(id)) {
            return Optional.of(DEDUP);
        }
        return modules.byId(id).map(m -> of(m.id()));
    }

    /**
     * The source named {@code id}.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    static DeadLetterSource parse(ModuleCatalog modules, String id) {
        return byId(modules, id).orElseThrow(() -> new IllegalArgumentException("unknown module '" + id + "' (a module id or "
                + TopicNames.DEDUP + ")"));
    }

    /** Every source: each module, then dedup. */
    static List<DeadLetterSource> all(ModuleCatalog modules) {
        List<DeadLetterSource> all = new ArrayList<>();
        for (ModuleId m : modules.ids()) {
            all.add(of(m));
        }
        all.add(DEDUP);
        return List.copyOf(all);
    }
}
