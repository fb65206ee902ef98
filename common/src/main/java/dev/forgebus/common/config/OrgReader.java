package dev.forgebus.common.config;

import dev.forgebus.common.schedule.ScheduledJobs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the {@code orgs:} section, and resolves each listed repository's module settings: the
 * org's block with the repository's block laid over it key by key, on the raw YAML, then typed.
 * Typing every org block and every merged repository block here is what makes a bad value
 * fail at load, with its line, instead of at the first webhook for that repository.
 */
final class OrgReader {

    private static final List<String> OWN_KEYS = List.of("name", "forge", "webhook_secret", "insecure_no_signature", "token",
            "mirror_targets_allowed", "repositories");

    private static final Map<String, String> MISPLACED_IN_REPOSITORY = Map.of(
            "forge", "an org key: a repository is on its org's forge",
            "token", "credentials are set per forge or org, not per repository",
            "webhook_secret", "webhook secrets are set per forge or org, not per repository");

    private static final Pattern OWNER_REF = Pattern.compile("(?:([^:/\\s]+):)?([A-Za-z0-9_.-]+)");

    private final ModuleCatalog catalog;
    private final ForgeDirectory forges;
    private final List<String> keys;
    private final Map<String, String> misplacedInOrg;

    OrgReader(ModuleCatalog catalog, ForgeDirectory forges) {
        this.catalog = catalog;
        this.forges = forges;
        this.keys = Stream.concat(OWN_KEYS.stream(), catalog.orgBlocks().stream().map(m -> m.id().configKey())).toList();
        Map<String, String> misplaced = new HashMap<>();
        for (ModuleDeclaration<?> module : catalog.all()) {
            if (module.block().isEmpty()) {
                misplaced.put(module.id().configKey(), "a top-level key, not an org key");
            } else if (module.block().get().scope() == ModuleDeclaration.Scope.REPOSITORY_ONLY) {
                misplaced.put(module.id().configKey(), "repository-level only (it names things of one repository, so it has"
                        + " no org default): move it under repositories.<name> of this org");
            }
        }
        this.misplacedInOrg = Map.copyOf(misplaced);
    }

    /** The keys a repository block (and a {@code .ops.yaml}) may hold: every module with a block. */
    static List<String> repositoryKeys(ModuleCatalog catalog) {
        return catalog.repositoryBlocks().stream().map(m -> m.id().configKey()).toList();
    }

    Map<String, OrgConfig> read(Optional<YamlBlock> section) {
        Map<String, OrgConfig> orgs = new LinkedHashMap<>();
        if (section.isEmpty()) {
            return orgs;
        }
        YamlBlock all = section.get();
        Map<String, Integer> firstLineByOwner = new HashMap<>();
        for (String key : all.keys()) {
            YamlBlock.open(all.reader(), all.node(key).orElseThrow(), all.pathOf(key), all.keyLineOf(key), keys, misplacedInOrg)
                    .flatMap(block -> read(key, block, firstLineByOwner))
                    .ifPresent(org -> orgs.put(key, org));
        }
        return orgs;
    }

    private Optional<OrgConfig> read(String key, YamlBlock org, Map<String, Integer> firstLineByOwner) {
        String name = org.string("name", key);
        if (!ForgeDirectory.NAME.matcher(name).matches()) {
            org.problem("name", "an owner name may only contain letters, digits, '.', '_' and '-', got '" + name + "'");
        }
        Optional<String> forge = org.requiredString("forge").filter(id -> {
            if (!forges.isDeclared(id)) {
                org.problem("forge", forges.unknownForge(id));
                return false;
            }
            return true;
        });
        forge.ifPresent(id -> {
            Integer first = firstLineByOwner.putIfAbsent(id + "/" + name.toLowerCase(Locale.ROOT), org.line());
            if (first != null) {
                org.reader().problems().add(org.line(), "org " + name + " on forge " + id
                        + " is already configured at line " + first + " (owner names are case-insensitive)");
            }
        });
        List<Secret> secrets = org.secrets("webhook_secret");
        boolean insecure = org.bool("insecure_no_signature", false);
        Optional<Secret> token = org.secret("token");
        List<RepoOwner> mirrorTargets = mirrorTargetsAllowed(org, forge);

        Map<ModuleId, YamlBlock> orgBlocks = blocks(org, catalog.orgBlocks());
        // An org whose forge is unknown is still read through, to report everything else in it.
        ModuleReader modules = new ModuleReader(catalog, forges, forge);
        ModuleSettings defaults = modules.read(orgBlocks);
        if (forge.isPresent() && defaults.get(StandardModules.STALE).filter(StaleSettings::enabled).isPresent()) {
            ScheduledJobReader.jobNameProblem(ScheduledJobs.staleName(forge.get(), name))
                    .ifPresent(p -> org.reader().problems().add(org.line(), org.path() + ".stale_management: " + p));
        }
        Map<String, RepoConfig> repositories = repositories(org, orgBlocks, modules);

        if (forge.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OrgConfig(name, forge.get(), secrets, insecure, token, defaults, repositories,
                mirrorTargets));
    }

    /** {@code [forge:]Owner} entries; without a forge, the org's. */
    private List<RepoOwner> mirrorTargetsAllowed(YamlBlock org, Optional<String> orgForge) {
        List<RepoOwner> owners = new ArrayList<>();
        String path = org.pathOf("mirror_targets_allowed");
        for (NodeReader.Text text : org.texts("mirror_targets_allowed")) {
            Matcher m = OWNER_REF.matcher(text.value().strip());
            if (!m.matches()) {
                org.reader().problem(text.node(), path, "expected 'Owner' or 'forge:Owner', got " + text.shown());
                continue;
            }
            Optional<String> forge = Optional.ofNullable(m.group(1)).or(() -> orgForge);
            if (forge.isPresent() && !forges.isDeclared(forge.get())) {
                org.reader().problem(text.node(), path, forges.unknownForge(forge.get()));
            } else {
                forge.ifPresent(f -> owners.add(new RepoOwner(f, m.group(2))));
            }
        }
        return owners;
    }

    private Map<String, RepoConfig> repositories(YamlBlock org, Map<ModuleId, YamlBlock> orgBlocks,
                                                       ModuleReader modules) {
        Map<String, RepoConfig> repositories = new LinkedHashMap<>();
        Optional<YamlBlock> section = org.block("repositories", YamlBlock.ANY_KEY);
        if (section.isEmpty()) {
            return repositories;
        }
        YamlBlock all = section.get();
        Map<String, Integer> firstLineByName = new HashMap<>();
        for (String name : all.keys()) {
            int line = all.keyLineOf(name);
            if (!ForgeDirectory.NAME.matcher(name).matches()) {
                all.reader().problems().add(line, "repository name '" + name + "'" + " under " + all.path()
                        + " may only contain letters, digits, '.', '_' and '-'");
            }
            Integer first = firstLineByName.putIfAbsent(name.toLowerCase(Locale.ROOT), line);
            if (first != null) {
                all.reader().problems().add(line, "repository " + name + " is already configured at line " + first
                        + " (repository names are case-insensitive)");
            }
            YamlBlock.open(all.reader(), all.node(name).orElseThrow(), all.pathOf(name), line, repositoryKeys(catalog),
                            MISPLACED_IN_REPOSITORY)
                    .map(repo -> repository(name, repo, orgBlocks, modules))
                    .ifPresent(r -> repositories.put(name, r));
        }
        return repositories;
    }

    private RepoConfig repository(String name, YamlBlock repo, Map<ModuleId, YamlBlock> orgBlocks,
                                  ModuleReader modules) {
        Map<ModuleId, YamlBlock> own = blocks(repo, catalog.repositoryBlocks());
        Map<ModuleId, YamlBlock> effective = new LinkedHashMap<>(orgBlocks);
        own.forEach((module, block) -> effective.merge(module, block, YamlBlock::overlaidWith));
        return new RepoConfig(name, modules.read(effective), own.keySet());
    }

    /** The blocks of {@code modules} that {@code scope} writes, each opened with its module's keys. */
    static Map<ModuleId, YamlBlock> blocks(YamlBlock scope, List<ModuleDeclaration<?>> modules) {
        Map<ModuleId, YamlBlock> blocks = new LinkedHashMap<>();
        for (ModuleDeclaration<?> module : modules) {
            scope.block(module.id().configKey(), module.block().orElseThrow().keys()).ifPresent(b -> blocks.put(module.id(), b));
        }
        return blocks;
    }
}
