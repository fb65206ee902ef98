package dev.forgebus.app.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleBlock;
import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.RepoConfig;
import dev.forgebus.common.config.RepositorySettings;
import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.Json;
import io.javalin.http.Context;

/**
 * {@code GET /admin/config/{forge}/{owner}/{repo}}: the settings each module applies to one
 * repository, and where each module's block came from: {@code org} (the org's defaults),
 * {@code repository} (the repository's own block in the config file, merged over the org's),
 * {@code .ops.yaml} (the repository's file changed it), or {@code not configured}. Provenance is
 * per module block, not per key. Every {@link Secret} is written as {@code *****}.
 */
public final class ConfigAdmin {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Writes secrets masked; Optional as its value or null (no jdk8 module in this mapper). */
    private static final ObjectMapper REDACTING = Json.MAPPER.copy()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .registerModule(new SimpleModule("redacting")
                    .addSerializer(Secret.class, new StdSerializer<>(Secret.class) {
                        @Override
                        public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeString("*****");
                        }
                    })
                    .addSerializer(Optional.class, new StdSerializer<>(Optional.class) {
                        @Override
                        public void serialize(Optional value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            if (value.isPresent()) {
                                provider.defaultSerializeValue(value.get(), gen);
                            } else {
                                gen.writeNull();
                            }
                        }
                    }));

    /** The repository's settings with its {@code .ops.yaml} laid over them; empty when this process cannot read it. */
    @FunctionalInterface
    public interface OpsLayer {
        OpsResult read(String forge, String owner, String repo) throws Exception;
    }

    /** The settings in force with the file, and why the file is not (or only partly) in force, if it is not. */
    public record OpsResult(RepositorySettings settings, Optional<String> problem) {
    }

    private final Supplier<ForgebusConfig> config;
    private final Optional<OpsLayer> ops;

    public ConfigAdmin(Supplier<ForgebusConfig> config, Optional<OpsLayer> ops) {
        this.config = config;
        this.ops = ops;
    }

    void show(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        String forge = name(ctx, "forge");
        String owner = name(ctx, "owner");
        String repo = name(ctx, "repo");
        ForgebusConfig c = config.get();
        Optional<OrgConfig> org = c.org(forge, owner);
        if (org.isEmpty()) {
            AdminRoutes.json(ctx, 404, Map.of("status", "not_found", "message", "no org " + owner + " on forge " + forge + " in the config"));
            return;
        }
        RepositorySettings main = c.resolve(forge, owner, repo);
        Optional<RepoConfig> listed = org.get().repository(repo);
        RepositorySettings effective = main;
        Optional<String> problem = Optional.empty();
        if (ops.isPresent()) {
            try {
                OpsResult withFile = ops.get().read(forge, owner, repo);
                effective = withFile.settings();
                problem = withFile.problem();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = Optional.of("interrupted while reading .ops.yaml");
            } catch (Exception e) {
                // The forge's message may quote the request; the exception's kind is enough here.
                problem = Optional.of("could not read .ops.yaml (" + e.getClass().getSimpleName() + "); shown without it");
            }
        }
        List<Map<String, Object>> modules = new ArrayList<>();
        for (ModuleDeclaration<?> module : c.modules().all()) {
            Optional<? extends ModuleBlock> inMain = main.block(module);
            Optional<? extends ModuleBlock> inForce = effective.block(module);
            String from;
            if (!inForce.equals(inMain)) {
                from = ".ops.yaml";
            } else if (listed.isPresent() && listed.get().declaredModules().contains(module.id())) {
                from = org.get().defaults().get(module.id()).isPresent() ? "repository (over org)" : "repository";
            } else if (org.get().defaults().get(module.id()).isPresent()) {
                from = "org";
            } else {
                from = "not configured";
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("module", module.id().id());
            row.put("enabled", effective.enabled(module.id()));
            row.put("from", from);
            row.put("settings", inForce.map(ConfigAdmin::redacted).orElse(null));
            modules.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("forge", forge);
        body.put("repository", owner + "/" + repo);
        body.put("listedInConfig", listed.isPresent());
        body.put("opsFileRead", ops.isPresent());
        body.put("opsFileProblem", problem.orElse(null));
        body.put("modules", modules);
        AdminRoutes.json(ctx, 200, body);
    }

    static JsonNode redacted(Object block) {
        return REDACTING.valueToTree(block);
    }

    private static String name(Context ctx, String param) {
        String value = ctx.pathParam(param);
        if (!NAME.matcher(value).matches()) {
            throw AdminRejection.badRequest(param + " is 1 to 100 of A-Z a-z 0-9 . _ -");
        }
        return value;
    }
}
