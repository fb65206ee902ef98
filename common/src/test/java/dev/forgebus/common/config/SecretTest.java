package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Secrets never show up in strings, logs or config errors. */
class SecretTest {

    @Test
    void to_string_never_reveals_the_value() {
        Secret secret = Secret.of("hunter2");

        assertThat(secret).hasToString("*****");
        assertThat(String.valueOf(secret)).doesNotContain("hunter2");
        assertThat(secret.reveal()).isEqualTo("hunter2");
    }

    @Test
    void scrubbing_masks_the_value_in_any_case_and_url_encoded() {
        Secret token = Secret.of("ghp_Ab/c+d=e f");

        // Before the hostile-input work only the exact value was replaced
        assertThat(token.scrubFrom("bad credentials: GHP_AB/C+D=E F")).isEqualTo("bad credentials: *****");
        assertThat(token.scrubFrom("GET /x?access_token=ghp_Ab%2Fc%2Bd%3De+f failed")).isEqualTo("GET /x?access_token=***** failed");
        assertThat(token.scrubFrom("url ghp_ab%2fc%2bd%3de%20f")).isEqualTo("url *****");
        assertThat(token.scrubFrom("nothing to hide")).isEqualTo("nothing to hide");
        assertThat(Secret.of("").scrubFrom("text")).isEqualTo("text");
    }

    @Test
    void secrets_are_equal_by_value() {
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).hasSameHashCodeAs(Secret.of("a"));
        assertThat(Secret.of("a")).isNotEqualTo(Secret.of("b"));
    }

    @Test
    void a_loaded_config_prints_no_secret() throws ConfigException {
        // Given
        ForgebusConfig config = ConfigLoader.parse("""
                admin: { token: adm1n-value }
                forges:
                  github:
                    type: github
                    token: ${TOKEN}
                    webhook_secret: [first-value, second-value]
                orgs:
                  MyOrg:
                    forge: github
                    notifications: { channels: [ { type: slack, url: "https://hooks.slack.com/services/SECRETPATH" } ] }
                """, "forgebus.yml", Map.of("TOKEN", "ghp_token-value")::get);

        // When
        String printed = config.toString();

        // Then
        assertThat(printed).doesNotContain("adm1n-value", "ghp_token-value", "first-value", "second-value", "SECRETPATH");
        assertThat(config.forges().get("github").webhookSecrets()).hasSize(2);
    }

    @Test
    void empty_webhook_secrets_are_dropped() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  github: { type: github, webhook_secret: ["${NEW:-}", kept, ""] }
                  other: { type: github, webhook_secret: "${UNSET:-}" }
                """, "forgebus.yml", name -> null);

        assertThat(config.forges().get("github").webhookSecrets()).containsExactly(Secret.of("kept"));
        assertThat(config.forges().get("other").webhookSecrets()).isEmpty();
    }

    @Test
    void a_badly_typed_secret_field_does_not_echo_the_value() {
        // Given
        String yaml = """
                admin:
                  token: { value: adm1n-value }
                forges:
                  github:
                    type: github
                    webhook_secret: [ [nested-value] ]
                orgs:
                  MyOrg:
                    forge: github
                    notifications: { channels: [ { type: slack, url: "hooks.slack.com/SECRETPATH" } ] }
                """;

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "forgebus.yml", name -> null));

        // Then
        assertThat(e.getMessage()).doesNotContain("adm1n-value", "nested-value", "SECRETPATH");
        assertThat(e.problems()).map(ConfigProblem::toString).containsExactly(
                "forgebus.yml:2: admin.token: expected a string, got a mapping (the value is a secret and is not shown)",
                "forgebus.yml:6: forges.github.webhook_secret[0]: expected a string, got a list (the value is a secret and"
                        + " is not shown)",
                "forgebus.yml:10: orgs.MyOrg.notifications.channels[0].url: expected an absolute http:// or https:// URL"
                        + " (the value is a secret and is not shown)");
    }
}
