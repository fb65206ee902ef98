package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a repository's writers may send Forgebus through its .ops.yaml: notification channels
 * the main config configured, by name, and mirrors of their own owner (or owners the main config
 * allows), never a URL of their choosing or another owner's mirror.
 */
class OpsFileOutboundTest {

    private static final RepoRef APP = new RepoRef("github", "MyOrg", "app");
    private static ForgebusConfig config;

    @BeforeAll
    static void load() throws ConfigException {
        config = ConfigLoader.parse("""
                forges:
                  github: { type: github }
                  codeberg: { type: forgejo, api_url: "https://codeberg.org/api/v1" }
                orgs:
                  MyOrg:
                    forge: github
                    mirror_targets_allowed: [ "codeberg:MirrorOrg", "Partner" ]
                    notifications:
                      enabled: false
                      channels:
                        - { name: ops-slack, type: slack, url: "https://hooks.slack.com/services/T/B/X", events: [release] }
                        - { type: discord, url: "https://discord.com/api/webhooks/1/x" }
                  OtherOrg:
                    forge: github
                  MyOrgOnCodeberg:
                    name: MyOrg
                    forge: codeberg
                """, "forgebus.yml", name -> null);
    }

    private static RepositorySettings apply(String text) throws ConfigException {
        return OpsFile.apply(config, config.resolve("github", "MyOrg", "app"), APP, text);
    }

    private static List<String> problems(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> apply(text));
        assertThat(e).as("problems of %s", text).isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void main_config_channels_are_named_and_the_type_is_the_default_name() {
        List<NotificationChannel> channels = config.orgs().get("MyOrg").defaults().get(StandardModules.NOTIFICATIONS).orElseThrow().channels();

        assertThat(channels).map(NotificationChannel::name).containsExactly("ops-slack", "discord");
    }

    @Test
    void two_channels_of_one_block_may_not_share_a_name() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    notifications:
                      channels:
                        - { type: slack, url: "https://hooks.slack.com/a" }
                        - { type: slack, url: "https://hooks.slack.com/b" }
                """, "forgebus.yml", name -> null));

        assertThat(e).isNotNull();
        assertThat(e.problems()).map(ConfigProblem::toString).containsExactly(
                "forgebus.yml:8: orgs.MyOrg.notifications.channels[1]: channel name 'slack' is already used at line 7"
                        + " (give each channel its own name:)");
    }

    @Test
    void an_ops_file_enables_a_configured_channel_by_name() throws ConfigException {
        NotificationSettings notifications = apply("notifications: { enabled: true, channels: [ ops-slack ] }")
                .notifications().orElseThrow();

        assertThat(notifications.enabled()).isTrue();
        assertThat(notifications.channels()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("ops-slack");
            assertThat(c.type()).isEqualTo(ChannelType.SLACK);
            assertThat(c.url()).isEqualTo(Secret.of("https://hooks.slack.com/services/T/B/X"));
            assertThat(c.events()).containsExactly("release");
        });
    }

    @Test
    void an_ops_file_that_leaves_channels_alone_keeps_the_main_config_ones() throws ConfigException {
        NotificationSettings notifications = apply("notifications: { enabled: true }").notifications().orElseThrow();

        assertThat(notifications.channels()).map(NotificationChannel::name).containsExactly("ops-slack", "discord");
    }

    @Test
    void a_url_in_an_ops_file_is_refused_at_its_line() {
        assertThat(problems("""
                notifications:
                  channels:
                    - { type: webhook, url: "http://169.254.169.254/latest/meta-data/" }
                """)).singleElement().asString()
                .startsWith(".ops.yaml:3: notifications.channels[0]: a .ops.yaml names channels configured in the main config")
                .contains("ops-slack, discord")
                .doesNotContain("169.254");
    }

    @Test
    void an_unknown_channel_name_is_refused_naming_the_configured_ones() {
        assertThat(problems("notifications:\n  channels: [ ops-slack, attacker ]\n")).singleElement().asString()
                .startsWith(".ops.yaml:2: notifications.channels[1]: no channel 'attacker' is configured for MyOrg")
                .contains("ops-slack, discord");
    }

    @Test
    void a_mirror_of_the_same_owner_is_accepted() throws ConfigException {
        assertThat(apply("mirror: { mirror: \"MyOrg/app-mirror\" }").mirror().orElseThrow().mirror())
                .isEqualTo(new RepoRef("github", "MyOrg", "app-mirror"));
    }

    @Test
    void a_mirror_of_the_same_owner_configured_on_another_forge_is_accepted() throws ConfigException {
        assertThat(apply("mirror: { mirror: \"codeberg:MyOrg/app\" }").mirror().orElseThrow().mirror())
                .isEqualTo(new RepoRef("codeberg", "MyOrg", "app"));
    }

    @Test
    void a_mirror_of_another_owner_is_refused_at_its_line() {
        assertThat(problems("release: {}\nmirror: { mirror: \"OtherOrg/app\" }\n")).singleElement().asString()
                .startsWith(".ops.yaml:2: mirror.mirror: a .ops.yaml may only name a mirror of its own owner");
    }

    @Test
    void a_same_named_owner_on_a_forge_where_it_is_not_configured_is_another_owner() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> OpsFile.apply(config,
                config.resolve("github", "OtherOrg", "app"), new RepoRef("github", "OtherOrg", "app"),
                "mirror: { mirror: \"codeberg:OtherOrg/app\" }"));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith(".ops.yaml:1: mirror.mirror: a .ops.yaml may only name a mirror of its own owner");
    }

    @Test
    void owners_the_main_config_allows_may_be_mirror_targets() throws ConfigException {
        assertThat(apply("mirror: { mirror: \"codeberg:MirrorOrg/app\" }").mirror().orElseThrow().mirror())
                .isEqualTo(new RepoRef("codeberg", "MirrorOrg", "app"));
        assertThat(apply("mirror: { mirror: \"Partner/app\" }").mirror().orElseThrow().mirror())
                .isEqualTo(new RepoRef("github", "Partner", "app"));
        assertThat(problems("mirror: { mirror: \"codeberg:Partner/app\" }")).singleElement().asString()
                .contains("may only name a mirror of its own owner");
    }
    @Test
    void a_primary_forge_where_the_owner_is_someone_else_is_refused_also_when_written_as_a_type() throws ConfigException {
        RepositorySettings base = config.resolve("github", "OtherOrg", "app");
        RepoRef other = new RepoRef("github", "OtherOrg", "app");

        for (String primary : List.of("codeberg", "forgejo")) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> OpsFile.apply(config, base, other,
                    "mirror: { primary_forge: " + primary + ", mirror: \"OtherOrg/app-mirror\" }"));
            assertThat(e).as(primary).isNotNull();
            assertThat(e.getMessage()).as(primary)
                    .startsWith(".ops.yaml:1: mirror.primary_forge: a .ops.yaml may only name a primary forge where OtherOrg");
        }
        assertThat(apply("mirror: { primary_forge: forgejo, mirror: \"MyOrg/app-mirror\" }").mirror().orElseThrow()
                .primaryForge()).isEqualTo("codeberg");
    }
}
