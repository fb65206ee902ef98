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

        assertThat(config.orgs().get("MyOrg").defaults().stale().orElseThrow().staleComment())
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
}
