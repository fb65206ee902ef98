package dev.forgebus.common.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.schedule.ScheduledJob;

/**
 * Everything Forgebus knows about one module, said once: its names, its repository settings block
 * (keys, reader, writer, defaults in the reader) and what starts it. The config readers, the
 * {@code .ops.yaml} overlay, the router, the scheduler, {@code workers --modules}, the topics and
 * the docs table all read declarations from a {@link ModuleCatalog}; nothing else lists modules.
 * A handler is registered against the declaration's {@link #id()} (see docs/architecture.md,
 * "How to add a module").
 *
 * <p>In the spirit of Kafka's {@code ConfigDef} (a key is declared once, with its type, default
 * and validator, and every reader goes through the definition) and Prow's plugin registry (a
 * plugin registers what it handles; the hook only dispatches).
 *
 * @param id      the module's names
 * @param summary one line for the docs table and {@code workers --help}
 * @param block   its repository-scoped settings block; empty for modules configured by a top-level
 *                section of their own ({@code cron_dispatch}, {@code health_monitor}, {@code migrations})
 * @param start   what starts its work
 * @param <S>     its settings record
 */
public record ModuleDeclaration<S extends ModuleBlock>(ModuleId id, String summary, Optional<Block<S>> block, Start<S> start) {

    public ModuleDeclaration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(start, "start");
    }

    /** A module with a repository block. */
    public static <S extends ModuleBlock> ModuleDeclaration<S> withBlock(ModuleId id, String summary, Block<S> block, Start<S> start) {
        return new ModuleDeclaration<>(id, summary, Optional.of(block), start);
    }

    /** A module configured by a top-level section of its own (read by the loader), started by ticks. */
    public static ModuleDeclaration<ModuleBlock> topLevel(ModuleId id, String summary, ScheduledJobSource jobs) {
        return new ModuleDeclaration<>(id, summary, Optional.empty(), new Start.Schedule<>(jobs));
    }

    /** Whether webhooks start this module (the router decides it for every webhook). */
    public boolean webhookDriven() {
        return webhooks().isPresent();
    }

    /** The webhook trigger of this module: its start, or the webhooks a scheduled module also takes. */
    public Optional<Start.Webhooks<S>> webhooks() {
        return switch (start) {
            case Start.Webhooks<S> w -> Optional.of(w);
            case Start.Schedule<S> s -> s.webhooks();
            case Start.Emitted<S> e -> Optional.empty();
        };
    }

    /** Where a module's block may be written. */
    public enum Scope {
        /** Under an org (defaults for its repositories) and under a repository (overrides, key by key). */
        ORG_AND_REPOSITORY,
        /** Only under a repository: the block names things of one repository (a mirror). */
        REPOSITORY_ONLY
    }

    /**
     * A module's settings block.
     *
     * @param type   its settings record
     * @param scope  where it may be written
     * @param keys   every key the block may hold; any other is reported with its line
     * @param reader types a block (reporting problems on it, with defaults for unset keys)
     * @param writer the typed settings back as plain YAML values, so that a {@code .ops.yaml} block
     *               can be laid over them key by key and read again by {@code reader}
     */
    public record Block<S extends ModuleBlock>(Class<S> type, Scope scope, List<String> keys, Reader<S> reader, Writer<S> writer) {

        public Block {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(scope, "scope");
            keys = List.copyOf(keys);
            Objects.requireNonNull(reader, "reader");
            Objects.requireNonNull(writer, "writer");
            if (!keys.contains("enabled")) {
                throw new IllegalArgumentException("every module block has the key 'enabled'");
            }
        }
    }

    /** Types one block; empty when it cannot be used (the problems are reported on the block). */
    @FunctionalInterface
    public interface Reader<S> {
        Optional<S> read(YamlBlock block, ModuleReader context);
    }

    /** Writes typed settings back as YAML values (maps, lists, strings, numbers, booleans). */
    @FunctionalInterface
    public interface Writer<S> {
        Map<String, Object> write(S settings);
    }

    /** What starts a module's work. */
    public sealed interface Start<S extends ModuleBlock> {

        /**
         * Webhooks: the router asks {@code trigger} about every webhook event of a repository where
         * the module is configured and enabled. The handler does not decide it again.
         *
         * @param lookup where the settings of a repository come from when not simply its own
         *               resolved block (a mirror's, which may be declared on another forge)
         */
        record Webhooks<S extends ModuleBlock>(Trigger<S> trigger, Optional<Lookup<S>> lookup) implements Start<S> {
            public Webhooks {
                Objects.requireNonNull(trigger, "trigger");
                Objects.requireNonNull(lookup, "lookup");
            }

            public Webhooks(Trigger<S> trigger) {
                this(trigger, Optional.empty());
            }
        }

        /** The scheduler's ticks, one job per {@code jobs} entry (SPEC 8). */
        record Schedule<S extends ModuleBlock>(ScheduledJobSource jobs, Optional<Webhooks<S>> webhooks) implements Start<S> {
            public Schedule {
                Objects.requireNonNull(jobs, "jobs");
                Objects.requireNonNull(webhooks, "webhooks");
            }

            public Schedule(ScheduledJobSource jobs) {
                this(jobs, Optional.empty());
            }
        }

        /** Events other modules emit (notifications). */
        record Emitted<S extends ModuleBlock>() implements Start<S> {
        }
    }

    /** Whether one webhook event starts the module's work, for a repository's settings. A pure function. */
    @FunctionalInterface
    public interface Trigger<S> {
        TriggerVerdict decide(S settings, EventEnvelope event);
    }

    /** The settings that apply to {@code forge:owner/repo}, when not its own resolved block. */
    @FunctionalInterface
    public interface Lookup<S> {
        Optional<S> find(ForgebusConfig config, String forge, String owner, String repo);
    }

    /** A module's scheduled jobs, derived from the config alone. */
    @FunctionalInterface
    public interface ScheduledJobSource {
        List<ScheduledJob> jobs(ForgebusConfig config);
    }
}
