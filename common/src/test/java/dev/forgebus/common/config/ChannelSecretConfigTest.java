package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Issue 11.4: a webhook channel may carry a signing {@code secret}; it is a secret, never shown. */
class ChannelSecretConfigTest {

    private static ForgebusConfig parse(String channel) throws ConfigException {
        return ConfigLoader.parse("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    notifications:
                      channels:
                        - %s
                """.formatted(channel), "forgebus.yml", name -> null);
    }

    @Test
    void a_webhook_channel_reads_its_signing_secret_as_a_secret() throws ConfigException {
        ForgebusConfig config = parse("{ type: webhook, url: \"https://hooks.example/n\", secret: \"whsec_c2VjcmV0\" }");

        NotificationChannel channel = config.orgs().get("MyOrg").defaults().get(StandardModules.NOTIFICATIONS).orElseThrow()
                .channels().getFirst();
        assertThat(channel.secret()).map(Secret::reveal).contains("whsec_c2VjcmV0");
        assertThat(channel.toString()).doesNotContain("whsec_c2VjcmV0").doesNotContain("hooks.example");
    }

    @Test
    void a_channel_without_a_secret_has_none() throws ConfigException {
        ForgebusConfig config = parse("{ type: webhook, url: \"https://hooks.example/n\" }");

        assertThat(config.orgs().get("MyOrg").defaults().get(StandardModules.NOTIFICATIONS).orElseThrow()
                .channels().getFirst().secret()).isEmpty();
    }

    @Test
    void a_secret_on_a_slack_channel_is_refused_without_showing_it() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("{ type: slack, url: \"https://hooks.slack.com/services/T/B/X\", secret: \"s3cr3t-value\" }"));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("secret").contains("webhook").doesNotContain("s3cr3t-value");
    }
}
