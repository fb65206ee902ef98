package dev.forgebus.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;

/** The name rules that choose secrets and credentials, and the ASCII-only case folding. */
class DeliveryNamesTest {

    @Test
    void names_compare_ascii_case_insensitively_and_nothing_else_folds() {
        assertThat(DeliveryNames.sameName("SecureOrg", "secureorg")).isTrue();
        // String.equalsIgnoreCase says true for both of these
        assertThat(DeliveryNames.sameName("SecureOrg", "\u017FecureOrg")).isFalse();
        assertThat(DeliveryNames.sameName("kelvin", "\u212Aelvin")).isFalse();
        assertThat(DeliveryNames.sameName("a", "ab")).isFalse();
    }

    @Test
    void the_org_lookup_does_not_take_a_unicode_look_alike_for_a_configured_org() throws Exception {
        ForgebusConfig config = ConfigLoader.parse("""
                forges: { gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: s } }
                orgs: { SecureOrg: { forge: gh }, Kelvin: { forge: gh } }
                """, "t.yml", name -> null);

        assertThat(config.org("gh", "SECUREORG")).isPresent();
        assertThat(config.org("gh", "\u017FecureOrg")).isEmpty();
        assertThat(config.org("gh", "\u212Aelvin")).isEmpty();
    }

    @Test
    void owner_and_repository_names_follow_the_forges_ascii_rules() {
        assertThat(DeliveryNames.isOwner("my-org_1.x")).isTrue();
        assertThat(DeliveryNames.isOwner("\u017FecureOrg")).isFalse();
        assertThat(DeliveryNames.isOwner("a/b")).isFalse();
        assertThat(DeliveryNames.isOwner("x".repeat(101))).isFalse();
        assertThat(DeliveryNames.isRepo("..")).isFalse();
        assertThat(DeliveryNames.isRepo("repo.js")).isTrue();
        assertThat(DeliveryNames.isSender("github-actions[bot]")).isTrue();
        assertThat(DeliveryNames.isToken("opened")).isTrue();
        assertThat(DeliveryNames.isToken("a".repeat(65))).isFalse();
        assertThat(DeliveryNames.isToken("Opened")).isFalse();
    }
}
