package dev.forgebus.common.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.schedule.ScheduledJobs;

/** Reads the {@code forges:} section. */
final class ForgeReader {

    static final List<String> KEYS = List.of("type", "api_url", "token", "app", "webhook_secret",
            "insecure_no_signature", "rate_limit", "delivery_recovery");
    static final List<String> APP_KEYS = List.of("app_id", "private_key_file", "installation_id");
    static final List<String> RATE_LIMIT_KEYS = List.of("requests_per_hour", "max_concurrent", "writes_per_minute");
    static final URI GITHUB_API = URI.create("https://api.github.com");

    private final ForgeDirectory directory = new ForgeDirectory();

    ForgeDirectory directory() {
        return directory;
    }

    Map<String, ForgeConfig> read(Optional<YamlBlock> section) {
        Map<String, ForgeConfig> forges = new LinkedHashMap<>();
        if (section.isEmpty()) {
            return forges;
        }
        YamlBlock all = section.get();
        // Every id is declared, even one whose block has errors: an org naming it then gets
        // the forge's own errors, not a second, misleading "no such forge".
        for (String id : all.keys()) {
            directory.declare(id, Optional.empty());
        }
        for (String id : all.keys()) {
            all.block(id, KEYS).flatMap(block -> read(id, block)).ifPresent(f -> forges.put(id, f));
        }
        return forges;
    }

    private Optional<ForgeConfig> read(String id, YamlBlock forge) {
        if (!ForgeDirectory.NAME.matcher(id).matches()) {
            forge.reader().problems().add(forge.line(), "forge id '" + id + "' may only contain letters, digits, '.', '_'"
                    + " and '-' (it is part of /webhooks/{forgeId} and of every record key)");
        }
        if (id.equals(ScheduledJobs.FORGE_ID)) {
            forge.reader().problems().add(forge.line(), "forge id '" + id + "' is reserved: the scheduler's ticks use it"
                    + " as their forge, so a forge of that name could forge ticks; name it otherwise");
        }
        if (id.equals(EmittedEvents.FORGE_ID)) {
            forge.reader().problems().add(forge.line(), "forge id '" + id + "' is reserved: events modules emit for each other"
                    + " use it as their forge, so a forge of that name could forge them; name it otherwise");
        }
        if (!forge.isSet("type")) {
            forge.missing("type");
        }
        Optional<ForgeType> type = forge.optionalChoice("type", ForgeType.values(), ForgeType::id);
        directory.declare(id, type);
        Optional<URI> apiUrl = forge.isSet("api_url")
                ? forge.httpUrl("api_url").map(ForgeReader::withoutTrailingSlash)
                : type.filter(t -> t == ForgeType.GITHUB).map(t -> GITHUB_API);
        if (!forge.isSet("api_url") && type.isPresent() && type.get() != ForgeType.GITHUB) {
            forge.missing("api_url");
        }
        Optional<Secret> token = forge.secret("token");
        Optional<GitHubAppAuth> app = forge.block("app", APP_KEYS).flatMap(block -> app(block, type));
        if (token.isPresent() && app.isPresent()) {
            forge.problem("app", "set either token or app, not both");
        }
        List<Secret> secrets = forge.secrets("webhook_secret");
        boolean insecure = forge.bool("insecure_no_signature", false);
        RateLimit defaults = RateLimit.defaultsFor(type.orElse(ForgeType.GITHUB));
        RateLimit rateLimit = forge.block("rate_limit", RATE_LIMIT_KEYS)
                .map(block -> new RateLimit(
                        block.integer("requests_per_hour", defaults.requestsPerHour(), 1, Integer.MAX_VALUE),
                        block.integer("max_concurrent", defaults.maxConcurrent(), 1, 1000),
                        block.integer("writes_per_minute", defaults.writesPerMinute(), 0, Integer.MAX_VALUE)))
                .orElse(defaults);
        Optional<DeliveryRecoverySettings> recovery = forge.block("delivery_recovery", DeliveryRecoveryReader.KEYS)
                .flatMap(block -> DeliveryRecoveryReader.read(id, block, type, forge.isSet("app")));
        if (type.isEmpty() || apiUrl.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ForgeConfig(id, type.get(), apiUrl.get(), token, app, secrets, insecure, rateLimit,
                recovery));
    }

    private static Optional<GitHubAppAuth> app(YamlBlock app, Optional<ForgeType> type) {
        if (type.isPresent() && type.get() != ForgeType.GITHUB) {
            app.reader().problems().add(app.line(), app.path() + ": App authentication exists on github forges only;"
                    + " use token for " + type.get().id());
            return Optional.empty();
        }
        Optional<Long> appId = app.isSet("app_id") ? app.optionalLong("app_id", 1, Long.MAX_VALUE) : missing(app, "app_id");
        Optional<Path> keyFile = app.requiredString("private_key_file").flatMap(text -> {
            try {
                return Optional.of(Path.of(text));
            } catch (InvalidPathException e) {
                app.problem("private_key_file", "not a valid path: " + e.getReason());
                return Optional.empty();
            }
        });
        Optional<Long> installation = app.optionalLong("installation_id", 1, Long.MAX_VALUE);
        if (appId.isEmpty() || keyFile.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GitHubAppAuth(appId.get(), keyFile.get(), installation));
    }

    private static <T> Optional<T> missing(YamlBlock block, String key) {
        block.missing(key);
        return Optional.empty();
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
