package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The shipped example must load, with and without environment, as its comments promise. */
class ExampleConfigTest {

    /** Tests run in common/, so this is the file users copy, not a copy of it. */
    private static final Path EXAMPLE = Path.of("../examples/forgebus.yml");

    @Test
    void the_example_loads_with_no_environment_variable_set() throws ConfigException {
        // Given no environment at all
        // When
        ForgebusConfig config = ConfigLoader.load(EXAMPLE, name -> null);

        // Then every default of the example is what its comments say
        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.management().samePort()).as("the local example serves /ready and /metrics on 8080").isTrue();
        assertThat(config.admin().enabled()).isFalse();
        assertThat(config.kafka().embedded()).isTrue();
        assertThat(config.kafka().embeddedPort()).isEqualTo(9092);
        assertThat(config.kafka().topicPrefix()).isEqualTo("forgebus");
        assertThat(config.dedup().retention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.workers().backoff()).isEqualTo(WorkersConfig.DEFAULT_BACKOFF);
        assertThat(config.forges()).containsOnlyKeys("github", "codeberg", "gitea");
        ForgeConfig github = config.forges().get("github");
        assertThat(github.type()).isEqualTo(ForgeType.GITHUB);
        assertThat(github.apiUrl()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(github.token()).isEmpty();
        assertThat(github.webhookSecrets()).extracting(Secret::reveal).containsExactly("change-me-github-secret");
        assertThat(config.forges().get("codeberg").webhookSecrets()).hasSize(1);
        assertThat(config.forges().get("codeberg").rateLimit()).isEqualTo(new RateLimit(3600, 10, 0));
        assertThat(github.rateLimit()).as("GitHub's secondary limit on writes by default")
                .isEqualTo(new RateLimit(5000, 10, RateLimit.GITHUB_WRITES_PER_MINUTE));
        assertThat(config.orgs().get("MyOrg").defaults().get(StandardModules.NOTIFICATIONS).orElseThrow().channels()).isEmpty();
        assertThat(config.cronDispatch()).extracting(CronDispatchJob::name).containsExactly("codeql");
        assertThat(config.healthMonitor().get(0).url()).isEqualTo(URI.create("http://127.0.0.1:8080/health"));
        assertThat(config.healthMonitor().get(0).sinks()).containsExactly(new ProbeSink.Stdout(),
                new ProbeSink.JsonLinesFile(Path.of("probes.jsonl")),
                new ProbeSink.Issue(new RepoRef("github", "MyOrg", "ops")));
        assertThat(config.migrations().get("orders").source().type()).isEqualTo(MigrationSource.Type.LOCAL);
    }

    @Test
    void the_example_takes_its_credentials_and_ports_from_the_environment() throws ConfigException {
        // Given
        Map<String, String> env = Map.of(
                "FORGEBUS_PORT", "9999",
                "FORGEBUS_KAFKA_PORT", "19092",
                "FORGEBUS_ADMIN_TOKEN", "admin-t0ken",
                "GITHUB_TOKEN", "ghp_example",
                "GITHUB_WEBHOOK_SECRET", "s3cret",
                "CODEBERG_WEBHOOK_SECRET_PREVIOUS", "old-s3cret",
                "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXXX",
                "PROBE_WEBHOOK_URL", "https://probes.example.com/in");

        // When
        ForgebusConfig config = ConfigLoader.load(EXAMPLE, env::get);

        // Then
        assertThat(config.server().port()).isEqualTo(9999);
        assertThat(config.kafka().embeddedPort()).isEqualTo(19092);
        assertThat(config.admin().token()).contains(Secret.of("admin-t0ken"));
        assertThat(config.forges().get("github").token()).contains(Secret.of("ghp_example"));
        assertThat(config.forges().get("github").webhookSecrets()).containsExactly(Secret.of("s3cret"));
        assertThat(config.forges().get("codeberg").webhookSecrets())
                .containsExactly(Secret.of("change-me-codeberg-secret"), Secret.of("old-s3cret"));
        List<NotificationChannel> channels = config.orgs().get("MyOrg").defaults().get(StandardModules.NOTIFICATIONS).orElseThrow().channels();
        assertThat(channels).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(ChannelType.SLACK);
            assertThat(c.events()).contains("release", "mirror_drift");
        });
        assertThat(config.healthMonitor().get(0).sinks()).hasSize(4);
    }

    @Test
    void the_example_configures_every_repository_module() throws ConfigException {
        // Given
        ForgebusConfig config = ConfigLoader.load(EXAMPLE, name -> null);

        // When
        RepositorySettings myRepo = config.resolve("github", "MyOrg", "my-repo");

        // Then
        assertThat(myRepo.enabledModules()).containsExactlyInAnyOrder(ModuleId.TRIAGE, ModuleId.STALE,
                ModuleId.NOTIFICATIONS, ModuleId.RELEASE, ModuleId.AUTO_MERGE, ModuleId.MIRROR,
                ModuleId.DEPENDENCY_TRIGGERS);
        assertThat(myRepo.mirror().orElseThrow()).isEqualTo(
                new MirrorSettings(true, "codeberg", new RepoRef("github", "MyOrg", "my-repo"), true, 300));
        assertThat(myRepo.dependencyTriggers().orElseThrow().downstream()).containsExactly(
                new RepoRef("github", "MyOrg", "app-a"), new RepoRef("codeberg", "OtherOrg", "app-b"));
        assertThat(myRepo.autoMerge().orElseThrow().mergeMethod()).isEqualTo(MergeMethod.SQUASH);
        assertThat(config.resolve("codeberg", "codebergfriends", "anything").autoMerge().orElseThrow().mergeMethod())
                .isEqualTo(MergeMethod.FAST_FORWARD_ONLY);
    }
}
