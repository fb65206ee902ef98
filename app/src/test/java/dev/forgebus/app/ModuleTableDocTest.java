package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ModuleDeclaration;

/** The module table of docs/architecture.md is the catalog and the registrations, not a copy kept by hand. */
class ModuleTableDocTest {

    @Test
    void the_docs_module_table_is_what_the_catalog_declares() throws Exception {
        String docs = Files.readString(Path.of("../docs/architecture.md"));
        String between = docs.substring(docs.indexOf("<!-- module-table:start -->") + "<!-- module-table:start -->".length(),
                docs.indexOf("<!-- module-table:end -->")).strip();
        assertThat(between).as("docs/architecture.md module table; expected:\n" + table(Modules.BUILT_IN)).isEqualTo(table(Modules.BUILT_IN));
    }

    static String table(Modules modules) {
        List<String> rows = new ArrayList<>();
        rows.add("| id | config key | settings block | started by | handler | what it does |");
        rows.add("|---|---|---|---|---|---|");
        for (ModuleDeclaration<?> m : modules.catalog().all()) {
            String block = m.block().map(b -> switch (b.scope()) {
                case ORG_AND_REPOSITORY -> "org and repository";
                case REPOSITORY_ONLY -> "repository only";
            }).orElse("top-level section");
            String start = switch (m.start()) {
                case ModuleDeclaration.Start.Webhooks<?> w -> "webhooks";
                case ModuleDeclaration.Start.Schedule<?> s -> s.webhooks().isPresent() ? "scheduler ticks, webhooks" : "scheduler ticks";
                case ModuleDeclaration.Start.Emitted<?> e -> "other modules' events";
            };
            rows.add("| `" + m.id().id() + "` | `" + m.id().configKey() + "` | " + block + " | " + start + " | "
                    + (modules.withHandler().contains(m.id()) ? "yes" : "not yet") + " | " + m.summary() + " |");
        }
        return String.join("\n", rows);
    }
}
