package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
    private static final Instant NOW = Instant.parse("2025-05-01T12:00:00Z");

    @TempDir
    Path dir;
    private Path file;
    private ConfigSource source;
    private ConfigWatcher watcher;
    private final List<ConfigWatcher.Outcome> heard = new ArrayList<>();
    private final Map<String, String> env = Map.of("SECRET_A", "aaa", "SECRET_B", "bbb");

    private static String config(String secretRef, String extra) {
        return """
                server: { port: 8080 }
                forges:
                  github:
                    type: github
                    webhook_secret: ${%s}
                orgs:
                  MyOrg:
                    forge: github
                    auto_triage: { rules: [ { keywords: [crash], labels: [bug] } ] }
                %s""".formatted(secretRef, extra);
    }

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("forgebus.yml");
        Files.writeString(file, config("SECRET_A", ""));
        source = new ConfigSource(ConfigLoader.load(file, env::get));
        watcher = new ConfigWatcher(file, env::get, source, Clock.fixed(NOW, ZoneOffset.UTC));
        watcher.onOutcome(heard::add);
    }

    private List<Secret> forgeSecrets() {
        return source.get().forge("github").orElseThrow().webhookSecrets();
    }

    @Test
    void the_first_look_at_an_unedited_file_changes_nothing() {
        ForgebusConfig before = source.get();

        ConfigWatcher.Outcome outcome = watcher.checkNow();

        assertThat(outcome).isInstanceOf(ConfigWatcher.Outcome.Unchanged.class);
        assertThat(source.get()).isSameAs(before);
        assertThat(heard).isEmpty();
    }

    @Test
    void a_valid_edit_is_put_in_force_and_names_the_changed_sections_without_values() throws IOException {
        watcher.checkNow();
        List<ForgebusConfig> told = new ArrayList<>();
        source.onChange(told::add);

        write(config("SECRET_B", ""));
        ConfigWatcher.Outcome outcome = watcher.checkNow();

        assertThat(outcome).isInstanceOf(ConfigWatcher.Outcome.Applied.class);
        ConfigWatcher.Outcome.Applied applied = (ConfigWatcher.Outcome.Applied) outcome;
        assertThat(applied.changes().sections()).containsExactly("forges");
        assertThat(applied.changes().restartOnly()).isEmpty();
        assertThat(applied.at()).isEqualTo(NOW);
        assertThat(applied.toString()).doesNotContain("bbb", "aaa");
        assertThat(forgeSecrets()).containsExactly(Secret.of("bbb"));
        assertThat(told).containsExactly(source.get());
        assertThat(heard).containsExactly(outcome);
    }

    @Test
    void an_invalid_edit_keeps_the_config_in_force_and_reports_every_problem_with_its_line() throws IOException {
        ForgebusConfig before = source.get();

        write(config("SECRET_B", "prot: 1\n") .replace("port: 8080", "port: high"));
        ConfigWatcher.Outcome outcome = watcher.checkNow();

        assertThat(outcome).isInstanceOf(ConfigWatcher.Outcome.Rejected.class);
        assertThat(((ConfigWatcher.Outcome.Rejected) outcome).problems()).extracting(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":1: ").contains("server.port"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":10: ").contains("unknown key 'prot'"));
        assertThat(source.get()).isSameAs(before);
        assertThat(forgeSecrets()).containsExactly(Secret.of("aaa"));
    }

    @Test
    void an_invalid_file_is_reported_once_and_a_fixed_one_is_then_applied() throws IOException {
        write(config("SECRET_B", "prot: 1\n"));
        assertThat(watcher.checkNow()).isInstanceOf(ConfigWatcher.Outcome.Rejected.class);

        assertThat(watcher.checkNow()).isInstanceOf(ConfigWatcher.Outcome.Unchanged.class);
        write(config("SECRET_B", ""));
        assertThat(watcher.checkNow()).isInstanceOf(ConfigWatcher.Outcome.Applied.class);

        assertThat(heard).hasSize(2);
        assertThat(forgeSecrets()).containsExactly(Secret.of("bbb"));
    }

    @Test
    void a_restart_only_change_is_named_and_the_live_parts_of_the_same_edit_apply() throws IOException {
        write(config("SECRET_B", "kafka: { partitions: 6 }\n").replace("port: 8080", "port: 8081"));

        ConfigWatcher.Outcome.Applied applied = (ConfigWatcher.Outcome.Applied) watcher.checkNow();

        assertThat(applied.changes().restartOnly()).containsExactly("server.port", "kafka.partitions");
        assertThat(applied.changes().sections()).containsExactly("server", "kafka", "forges");
        assertThat(forgeSecrets()).containsExactly(Secret.of("bbb"));
    }

    @Test
    void an_edit_to_triage_rules_is_live_and_changes_no_restart_only_key() throws IOException {
        write(config("SECRET_A", "").replace("keywords: [crash]", "keywords: [crash, boom]"));

        ConfigWatcher.Outcome.Applied applied = (ConfigWatcher.Outcome.Applied) watcher.checkNow();

        assertThat(applied.changes().sections()).containsExactly("orgs");
        assertThat(applied.changes().restartOnly()).isEmpty();
        assertThat(source.get().resolve("github", "MyOrg", "app").triage().orElseThrow().rules().get(0).keywords())
                .containsExactly("crash", "boom");
    }

    private void write(String text) throws IOException {
        Files.writeString(file, text);
    }
}
