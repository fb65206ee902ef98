package dev.forgebus.common.config;

import dev.forgebus.common.event.DeliveryNames;
import java.util.LinkedHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.yaml.snakeyaml.nodes.Node;

/**
 * A repository's {@code .ops.yaml} (SPEC 6): module settings for that repository only, laid over
 * its resolved settings key by key, as a repository block is laid over its org's. It may hold the
 * module blocks of a repository block and nothing else: forges, credentials, secrets and the other
 * server-wide keys are problems, since anyone who can push to the repository can write this file.
 *
 * <p>The file is read with the main config's machinery, so a problem reads
 * {@code .ops.yaml:LINE: message} and the whole file is checked before failing. It is never
 * interpolated from the server's environment: {@code ${VAR}} there would hand repository writers
 * the server's variables (tokens among them), so every {@code ${VAR}} is reported as not set.
 * A {@code dependency_triggers} block may only trigger repositories of the same owner and forge:
 * a repository's writers must not be able to dispatch workflows in other owners' repositories
 * with Forgebus's credentials (the main config may list any).
 */
public final class OpsFile {

    /** Where the file is, at the root of the default branch. */
    public static final String PATH = ".ops.yaml";
    /** Larger files are refused before parsing. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final List<String> REFUSED = List.of("forges", "forge", "credentials", "credential", "secrets",
            "secret", "token", "tokens", "webhook_secret", "insecure_no_signature", "app", "orgs", "repositories",
            "kafka", "server", "admin", "dedup", "workers", "cron_dispatch", "health_monitor", "migrations",
            "delivery_recovery", "rate_limit", "api_url");

    private OpsFile() {
    }

    /**
     * {@code base} (the repository's settings from the main config) with {@code text}'s module
     * blocks laid over it.
     *
     * @param base  {@code config.resolve(repo...)}; returned as is when the repository has no
     *              configured org (nothing acts on it, so there is nothing to override)
     * @param repo  the repository the file belongs to
     * @throws ConfigException every problem of the file, each naming {@link #PATH} and its line
     */
    public static RepositorySettings apply(ForgebusConfig config, RepositorySettings base, RepoRef repo, String text)
            throws ConfigException {
        ConfigProblems problems = new ConfigProblems(PATH);
        if (text.length() > MAX_BYTES) {
            problems.add(0, "larger than " + MAX_BYTES + " bytes");
            throw problems.toException();
        }
        if (base.org().isEmpty()) {
            return base;
        }
        Node root = YamlLimits.OPS_FILE.compose(text, problems);
        problems.throwIfAny();
        NodeBudget budget = new NodeBudget(YamlLimits.OPS_FILE.maxNodes());
        NodeReader reader = new NodeReader(problems, new Interpolator(name -> null, problems), budget);
        try {
            return read(config, base, repo, root, reader);
        } catch (NodeBudget.Exhausted e) {
            throw budget.reported(e, problems);
        } catch (StackOverflowError e) {
            throw ConfigLoader.tooDeep(problems);
        }
    }

    private static RepositorySettings read(ForgebusConfig config, RepositorySettings base, RepoRef repo, Node root,
                                           NodeReader reader) throws ConfigException {
        ConfigProblems problems = reader.problems();
        Optional<YamlBlock> top = YamlBlock.open(reader, root, "", 1, OrgReader.repositoryKeys(config.modules()),
                refused(config.modules()));
        if (top.isEmpty()) {
            throw problems.toException();
        }
        ForgeDirectory forges = new ForgeDirectory();
        config.forges().values().forEach(f -> forges.declare(f.id(), Optional.of(f.type())));
        OrgConfig org = base.org().orElseThrow();
        Map<ModuleId, Node> baseNodes = ModuleSettingsYaml.nodes(config.modules(), base);
        Map<ModuleId, YamlBlock> effective = new LinkedHashMap<>();
        for (ModuleDeclaration<?> declaration : config.modules().repositoryBlocks()) {
            ModuleId module = declaration.id();
            List<String> keys = declaration.block().orElseThrow().keys();
            Optional<YamlBlock> inherited = Optional.ofNullable(baseNodes.get(module))
                    .flatMap(node -> YamlBlock.open(reader, node, module.configKey(), 0, keys));
            Optional<YamlBlock> own = top.get().block(module.configKey(), keys);
            if (own.isPresent()) {
                effective.put(module, inherited.map(b -> b.overlaidWith(own.get())).orElse(own.get()));
                if (module.equals(ModuleId.DEPENDENCY_TRIGGERS) && own.get().has("downstream")) {
                    checkOwnOwner(own.get(), repo, forges, reader);
                }
                if (module.equals(ModuleId.MIRROR)) {
                    checkMirrorOwners(own.get(), repo, config, org, forges, reader);
                }
            } else {
                inherited.ifPresent(b -> effective.put(module, b));
            }
        }
        ModuleSettings settings = new ModuleReader(config.modules(), forges, Optional.of(org.forge()),
                Optional.of(ConfiguredChannels.of(base))).read(effective);
        problems.throwIfAny();
        return RepositorySettings.of(base.org(), base.repositoryConfigured(), settings);
    }

    /**
     * The mirror (and the primary, {@code <primary_forge>:<owner>/<repo>}) must belong to the
     * repository's own owner: on its forge, or on a forge where the main config configures an org
     * of that name (a login on another forge may be someone else's); other owners only when the
     * org's {@code mirror_targets_allowed} lists them. The mirror module writes to the mirror
     * with Forgebus's credentials.
     */
    private static void checkMirrorOwners(YamlBlock block, RepoRef repo, ForgebusConfig config, OrgConfig org,
                                          ForgeDirectory forges, NodeReader reader) {
        NodeReader quiet = quietReader();
        block.text("mirror").flatMap(text -> forges.repoRef(text, block.pathOf("mirror"), Optional.of(org.forge()), quiet)
                .filter(ref -> !mayMirrorTo(ref, repo, config, org))
                .map(ref -> text)).ifPresent(text -> reader.problem(text.node(), block.pathOf("mirror"),
                "a " + PATH + " may only name a mirror of its own owner (" + repo.owner() + ") or of an owner listed in"
                        + " mirror_targets_allowed of org " + org.name() + " in the main config, got " + text.shown()));
        block.text("primary_forge").ifPresent(text -> {
            // Resolved as ModuleReader does: a forge id, or the type of the only forge of that type.
            String name = text.value().strip();
            Optional<String> forge = forges.isDeclared(name) ? Optional.of(name)
                    : ForgeType.parse(name).flatMap(forges::onlyForgeOfType);
            if (forge.isPresent()
                    && !mayMirrorTo(new RepoRef(forge.get(), repo.owner(), repo.repo()), repo, config, org)) {
                reader.problem(text.node(), block.pathOf("primary_forge"), "a " + PATH + " may only name a primary"
                        + " forge where " + repo.owner() + " is a configured org (or listed in mirror_targets_allowed of"
                        + " org " + org.name() + "), got " + text.shown());
            }
        });
    }

    private static boolean mayMirrorTo(RepoRef target, RepoRef repo, ForgebusConfig config, OrgConfig org) {
        boolean sameOwner = DeliveryNames.sameName(target.owner(), repo.owner())
                && (target.forgeId().equals(repo.forgeId()) || config.orgs().values().stream().anyMatch(
                        o -> o.forge().equals(target.forgeId()) && DeliveryNames.sameName(o.name(), target.owner())));
        return sameOwner || org.mirrorTargetsAllowed().stream().anyMatch(owner -> owner.owns(target));
    }

    /** For references whose problems the module reader reports anyway: read here only to be checked. */
    private static NodeReader quietReader() {
        ConfigProblems scratch = new ConfigProblems(PATH);
        return new NodeReader(scratch, new Interpolator(name -> null, scratch), new NodeBudget(Integer.MAX_VALUE));
    }

    private static void checkOwnOwner(YamlBlock block, RepoRef repo, ForgeDirectory forges, NodeReader reader) {
        for (NodeReader.Text text : block.texts("downstream")) {
            // Reported by ModuleReader when unreadable; only readable references are checked here.
            NodeReader quiet = quietReader();
            forges.repoRef(text, block.pathOf("downstream"), Optional.of(repo.forgeId()), quiet).ifPresent(ref -> {
                if (!ref.forgeId().equals(repo.forgeId()) || !DeliveryNames.sameName(ref.owner(), repo.owner())) {
                    reader.problem(text.node(), block.pathOf("downstream"), "a .ops.yaml may only trigger repositories"
                            + " of its own owner (" + repo.owner() + " on " + repo.forgeId() + "), got " + text.shown()
                            + "; list other owners' repositories in the main config");
                }
            });
        }
    }

    private static Map<String, String> refused(ModuleCatalog modules) {
        Map<String, String> misplaced = new LinkedHashMap<>();
        Stream.of(REFUSED.toArray(String[]::new)).forEach(key -> misplaced.put(key, "not allowed in " + PATH
                + ": it may only override module settings ("
                + String.join(", ", OrgReader.repositoryKeys(modules)) + "), never forges, credentials or secrets"));
        return Map.copyOf(misplaced);
    }
}
