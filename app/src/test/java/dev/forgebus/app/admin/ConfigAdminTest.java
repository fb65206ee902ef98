package dev.forgebus.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ChannelType;
import dev.forgebus.common.config.NotificationChannel;
import dev.forgebus.common.config.Secret;

/** The effective-config view writes settings as JSON without ever writing a secret. */
class ConfigAdminTest {

    @Test
    void a_module_block_holding_secrets_is_written_with_every_secret_masked() {
        // Given a notification channel whose URL and signing secret are secrets
        var channel = new NotificationChannel("ops", ChannelType.SLACK, Secret.of("https://hooks.slack.com/services/T0/B0/s3cr3t"),
                List.of("release.published"), Optional.of(Secret.of("signing-key-123")));

        // When it is written for /admin/config
        String json = ConfigAdmin.redacted(channel).toString();

        // Then neither secret appears, and the rest does
        assertThat(json).doesNotContain("s3cr3t").doesNotContain("signing-key-123").contains("*****").contains("release.published");
    }
}
