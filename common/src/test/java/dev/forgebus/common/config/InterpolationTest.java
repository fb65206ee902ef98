package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** ${VAR} and ${VAR:-default} in values, before typing. */
class InterpolationTest {

    private static ForgebusConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, "forgebus.yml", env::get);
    }

    @Test
    void a_missing_variable_is_named_with_its_line() {
        // Given
        String yaml = """
                server:
                  port: 8080
                forges:
                  github:
                    type: github
                    token: ${GITHUB_TOKEN}
                """;

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml, Map.of()));

        // Then
        assertThat(e.problems()).map(ConfigProblem::toString).containsExactly(
                "forgebus.yml:6: environment variable GITHUB_TOKEN is not set (write ${GITHUB_TOKEN:-} to allow it to be empty)");
    }

    @Test
    void a_default_is_used_when_the_variable_is_unset_and_typed_afterwards() throws ConfigException {
        ForgebusConfig config = parse("server: { port: '${PORT:-8081}' }\n", Map.of());

        assertThat(config.server().port()).isEqualTo(8081);
    }

    @Test
    void a_set_variable_wins_over_the_default() throws ConfigException {
        ForgebusConfig config = parse("server: { port: '${PORT:-8081}' }\n", Map.of("PORT", "9000"));

        assertThat(config.server().port()).isEqualTo(9000);
    }

    @Test
    void a_variable_set_to_the_empty_string_is_fine() throws ConfigException {
        ForgebusConfig config = parse("admin: { token: '${ADMIN}' }\nkafka: { bootstrap_servers: '${KAFKA}' }\n",
                Map.of("ADMIN", "", "KAFKA", ""));

        assertThat(config.admin().token()).isEmpty();
        assertThat(config.kafka().embedded()).isTrue();
    }

    @Test
    void several_variables_inside_a_larger_string_are_all_replaced() throws ConfigException {
        ForgebusConfig config = parse("""
                forges:
                  gitea:
                    type: gitea
                    api_url: "${SCHEME:-https}://${HOST}:${PORT:-3000}/api/v1"
                """, Map.of("HOST", "gitea.internal"));

        assertThat(config.forges().get("gitea").apiUrl()).hasToString("https://gitea.internal:3000/api/v1");
    }

    @Test
    void a_doubled_dollar_escapes_a_literal_reference() throws ConfigException {
        ForgebusConfig config = parse("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    stale_management: { stale_comment: "costs $$5, see $${HOME} and ${WHO}" }
                """, Map.of("WHO", "docs"));

        assertThat(config.orgs().get("MyOrg").defaults().get(StandardModules.STALE).orElseThrow().staleComment())
                .isEqualTo("costs $$5, see ${HOME} and docs");
    }

    @Test
    void an_error_about_an_interpolated_value_shows_the_file_text_not_the_value() {
        // Given a credential put into the wrong variable
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("server: { port: '${PORT}' }\n", Map.of("PORT", "ghp_supersecret")));

        // Then
        assertThat(e.getMessage())
                .isEqualTo("forgebus.yml:1: server.port: expected an integer, got the value of '${PORT}'")
                .doesNotContain("ghp_supersecret");
    }

    @Test
    void an_unclosed_reference_is_an_error() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("kafka: { topic_prefix: '${PREFIX' }\n", Map.of()));

        assertThat(e.problems()).map(ConfigProblem::toString)
                .contains("forgebus.yml:1: unclosed '${' (write $${ for a literal ${)");
    }

    @Test
    void keys_without_dollar_signs_are_left_alone_and_durations_may_come_from_the_environment() throws ConfigException {
        ForgebusConfig config = parse("dedup: { retention: '${RETENTION:-2d}' }\n", Map.of());

        assertThat(config.dedup().retention()).hasDays(2);
    }
    @Test
    void a_default_may_itself_reference_a_variable() throws ConfigException {
        ForgebusConfig config = parse("admin: { token: '${ADMIN_TOKEN:-${FALLBACK_TOKEN}}' }\n", Map.of("FALLBACK_TOKEN", "t0ken"));

        assertThat(config.admin().token()).contains(Secret.of("t0ken"));
    }

    @Test
    void a_set_variable_wins_and_its_nested_default_is_not_looked_at() throws ConfigException {
        ForgebusConfig config = parse("admin: { token: '${ADMIN_TOKEN:-${FALLBACK_TOKEN}}' }\n", Map.of("ADMIN_TOKEN", "own"));

        assertThat(config.admin().token()).contains(Secret.of("own"));
    }

    @Test
    void an_unset_variable_in_a_default_is_an_error_naming_it_never_a_literal() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("server: { port: 1 }\nadmin: { token: '${ADMIN_TOKEN:-${FALLBACK_TOKEN}}' }\n", Map.of()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString).containsExactly(
                "forgebus.yml:2: environment variable FALLBACK_TOKEN is not set (write ${FALLBACK_TOKEN:-} to allow it to be empty)");
    }

    @Test
    void a_nested_default_may_have_its_own_default() throws ConfigException {
        ForgebusConfig config = parse("kafka: { topic_prefix: '${PREFIX:-${OTHER_PREFIX:-x}}' }\n", Map.of());

        assertThat(config.kafka().topicPrefix()).isEqualTo("x");
    }

    @Test
    void defaults_nest_several_levels_and_text_around_them_is_kept() throws ConfigException {
        ForgebusConfig config = parse("kafka: { topic_prefix: 'a-${P:-b-${Q:-c-${R}-d}-e}-f' }\n", Map.of("R", "r"));

        assertThat(config.kafka().topicPrefix()).isEqualTo("a-b-c-r-d-e-f");
    }

    @Test
    void an_escaped_reference_inside_a_default_stays_literal() throws ConfigException {
        ForgebusConfig config = parse("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    stale_management: { stale_comment: "${COMMENT:-see $${HOME}}" }
                """, Map.of());

        assertThat(config.orgs().get("MyOrg").defaults().get(StandardModules.STALE).orElseThrow().staleComment()).isEqualTo("see ${HOME}");
    }

    @Test
    void an_unclosed_nested_default_is_an_error_at_its_line() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("server: { port: 1 }\nadmin: { token: '${ADMIN_TOKEN:-${FALLBACK_TOKEN}' }\n",
                        Map.of("FALLBACK_TOKEN", "t")));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .containsExactly("forgebus.yml:2: unclosed '${' (write $${ for a literal ${)");
    }

    @Test
    void defaults_nested_too_deeply_are_an_error_at_their_line() {
        String value = "${A:-".repeat(40) + "x" + "}".repeat(40);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("kafka: { topic_prefix: '" + value + "' }\n", Map.of()));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("forgebus.yml:1: ").contains("nested more than"));
    }
}
