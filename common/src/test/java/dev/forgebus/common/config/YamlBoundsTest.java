package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile YAML (self-referencing merges, merge bombs, deep nesting) ends in a located problem,
 * in the main config and in a repository's .ops.yaml alike, never in a StackOverflowError or
 * minutes of CPU.
 */
class YamlBoundsTest {

    private static final RepoRef APP = new RepoRef("github", "MyOrg", "app");
    private static ForgebusConfig config;

    @BeforeAll
    static void load() throws ConfigException {
        config = ConfigLoader.parse("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg: { forge: github, auto_triage: {} }
                """, "forgebus.yml", name -> null);
    }

    /** 16 levels, each merging the previous one 3 times: 3^16 mappings once merges are followed, from 48 aliases. */
    private static String mergeBomb(String topKey, String leaf) {
        StringBuilder yaml = new StringBuilder("x-l0: &l0 { " + leaf + " }\n");
        for (int level = 1; level < 16; level++) {
            String previous = "*l" + (level - 1);
            yaml.append("x-l").append(level).append(": &l").append(level)
                    .append(" { <<: [").append(previous).append(", ").append(previous).append(", ").append(previous)
                    .append("] }\n");
        }
        return yaml.append(topKey).append(": { <<: [*l15, *l15, *l15] }\n").toString();
    }

    private static String deepNesting(String topKey, int depth) {
        return topKey + ":\n  rules: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
    }

    private static ConfigException mainConfigProblems(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "forgebus.yml", name -> null));
    }

    private static ConfigException opsFileProblems(String yaml) {
        return catchThrowableOfType(ConfigException.class,
                () -> OpsFile.apply(config, config.resolve("github", "MyOrg", "app"), APP, yaml));
    }

    @Test
    void a_self_referencing_merge_in_the_main_config_is_a_problem_at_its_line() {
        ConfigException e = mainConfigProblems("kafka: { partitions: 3 }\nserver: &a { <<: *a }\n");

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("forgebus.yml:2: ").contains("merges itself"));
    }

    @Test
    void a_self_referencing_merge_in_an_ops_file_is_a_problem_at_its_line() {
        ConfigException e = opsFileProblems("release: { draft: true }\nauto_triage: &a { <<: *a }\n");

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith(".ops.yaml:2: ").contains("merges itself"));
    }

    @Test
    void a_merge_bomb_in_the_main_config_is_refused_as_too_complex() {
        ConfigException e = mainConfigProblems(mergeBomb("server", "port: 1"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).matches("forgebus\\.yml:\\d+: YAML too complex: more than \\d+ nodes after merges.*"));
    }

    @Test
    void a_merge_bomb_in_an_ops_file_is_refused_as_too_complex() {
        ConfigException e = opsFileProblems(mergeBomb("auto_triage", "enabled: true"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).matches("\\.ops\\.yaml:\\d+: YAML too complex: more than \\d+ nodes after merges.*"));
    }

    @Test
    void deep_nesting_in_the_main_config_is_a_problem_at_its_line() {
        ConfigException e = mainConfigProblems("server: { port: 1 }\n" + deepNesting("auto_triage", 1000));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("forgebus.yml:3: ").contains("nested deeper than"));
    }

    @Test
    void deep_nesting_in_an_ops_file_is_a_problem_at_its_line() {
        ConfigException e = opsFileProblems("release: {}\n" + deepNesting("auto_triage", 1000));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith(".ops.yaml:3: ").contains("nested deeper than"));
    }

    @Test
    void ordinary_anchors_and_merges_still_work() throws ConfigException {
        ForgebusConfig merged = ConfigLoader.parse("""
                x-base: &base { port: 9001 }
                x-more: &more { <<: *base, max_body_bytes: 2048 }
                server: { <<: [*more, *base] }
                """, "forgebus.yml", name -> null);

        assertThat(merged.server().port()).isEqualTo(9001);
        assertThat(merged.server().maxBodyBytes()).isEqualTo(2048);
    }
}
