package dev.forgebus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.DeliveryRecoverySettings;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.common.config.HookRef;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/** Missed-delivery recovery against the fake GitHub's deliveries API, through the real client. */
class DeliveryRecoveryTest {
    private static final String REPO_HOOK = "/repos/MyOrg/app/hooks/123";
    private static final String ORG_HOOK = "/orgs/MyOrg/hooks/456";

    private static FakeForge github;
    private static ForgeTransport transport;
    private static DefaultForgeClients clients;
    private static DeliveryRecoverySettings settings;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private SimpleMeterRegistry registry;
    private DeliveryRecovery recovery;

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh:
                    type: github
                    api_url: "${GH}"
                    token: gh-token
                    delivery_recovery: { lookback: 1h, hooks: [ "repo:MyOrg/app#123", "org:MyOrg#456" ] }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
        settings = config.forge("gh").orElseThrow().deliveryRecovery().orElseThrow();
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        clients = new DefaultForgeClients(config, CallGate.OPEN, transport);
    }

    @AfterAll
    static void stop() {
        clients.close();
        transport.close();
        github.close();
    }

    @BeforeEach
    void fresh() {
        github.reset();
        registry = new SimpleMeterRegistry();
        recovery = new DeliveryRecovery("gh", settings, clients, Clock.fixed(now, ZoneOffset.UTC), registry);
    }

    private double counted() {
        return registry.get("forgebus.delivery.recovery.redeliveries").tag("forge", "gh").counter().count();
    }

    @Test
    void failed_deliveries_are_redelivered_once_each_and_successful_ones_are_left_alone() throws Exception {
        // Given: two failures (one answered 502, one never answered), one success, on two hooks
        long failed = github.addHookDelivery(REPO_HOOK, "guid-failed", "issues", 502, now.minusSeconds(600));
        long lost = github.addHookDelivery(ORG_HOOK, "guid-lost", "push", 0, now.minusSeconds(300));
        github.addHookDelivery(REPO_HOOK, "guid-ok", "issues", 202, now.minusSeconds(120));

        // When
        DeliveryRecovery.Result first = recovery.runOnce();

        // Then
        assertThat(github.redeliveries(REPO_HOOK)).containsExactly(failed);
        assertThat(github.redeliveries(ORG_HOOK)).containsExactly(lost);
        assertThat(first.requestedCount()).isEqualTo(2);
        assertThat(first.failures()).isEmpty();
        assertThat(counted()).isEqualTo(2.0);

        // When: a second run, the redeliveries now listed (answered 200 by the fake)
        DeliveryRecovery.Result second = recovery.runOnce();

        // Then nothing new is asked
        assertThat(second.requestedCount()).isZero();
        assertThat(github.redeliveries(REPO_HOOK)).hasSize(1);
        assertThat(github.redeliveries(ORG_HOOK)).hasSize(1);
    }

    @Test
    void a_redelivery_that_failed_again_is_not_asked_again() throws Exception {
        github.redeliveryStatus(503);
        github.addHookDelivery(REPO_HOOK, "guid-1", "issues", 500, now.minusSeconds(60));

        recovery.runOnce();
        // A new job (as after a restart) still sees the listed redelivery=true attempt as "tried"
        DeliveryRecovery afterRestart = new DeliveryRecovery("gh", settings, clients, Clock.fixed(now, ZoneOffset.UTC),
                new SimpleMeterRegistry());
        DeliveryRecovery.Result again = afterRestart.runOnce();
        recovery.runOnce();

        assertThat(again.requestedCount()).isZero();
        assertThat(github.redeliveries(REPO_HOOK)).hasSize(1);
    }

    @Test
    void a_pending_redelivery_is_not_asked_again_by_the_same_job() throws Exception {
        // Given a delivery whose redelivery the listing does not show yet: asked is remembered
        github.addHookDelivery(REPO_HOOK, "guid-1", "issues", 500, now.minusSeconds(60));
        recovery.runOnce();
        github.reset();
        github.addHookDelivery(REPO_HOOK, "guid-1", "issues", 500, now.minusSeconds(60));

        DeliveryRecovery.Result second = recovery.runOnce();

        assertThat(second.requestedCount()).isZero();
        assertThat(github.redeliveries(REPO_HOOK)).isEmpty();
    }

    @Test
    void deliveries_older_than_the_lookback_are_not_looked_at() throws Exception {
        github.addHookDelivery(REPO_HOOK, "guid-old", "issues", 500, now.minus(Duration.ofMinutes(61)));
        long recent = github.addHookDelivery(REPO_HOOK, "guid-new", "issues", 500, now.minus(Duration.ofMinutes(59)));

        recovery.runOnce();

        assertThat(github.redeliveries(REPO_HOOK)).containsExactly(recent);
    }

    @Test
    void every_page_of_the_listing_is_read() throws Exception {
        // 150 successes newer than one failure: the failure is on the second page of 100
        long failed = github.addHookDelivery(REPO_HOOK, "guid-failed", "issues", 500, now.minusSeconds(3000));
        for (int i = 0; i < 150; i++) {
            github.addHookDelivery(REPO_HOOK, "guid-" + i, "issues", 200, now.minusSeconds(1000 - i));
        }

        recovery.runOnce();

        assertThat(github.redeliveries(REPO_HOOK)).containsExactly(failed);
    }

    @Test
    void a_failing_hook_does_not_stop_the_others() throws Exception {
        github.failNextMatching(r -> r.path().startsWith(REPO_HOOK), 1, 404, Map.of(), null);
        long lost = github.addHookDelivery(ORG_HOOK, "guid-lost", "push", 0, now.minusSeconds(300));

        DeliveryRecovery.Result result = recovery.runOnce();

        assertThat(result.failures()).containsOnlyKeys(new HookRef.RepoHook(
                new dev.forgebus.common.config.RepoRef("gh", "MyOrg", "app"), 123));
        assertThat(github.redeliveries(ORG_HOOK)).containsExactly(lost);
    }

    @Test
    void the_app_hook_is_listed_and_redelivered_with_the_apps_own_jwt(@TempDir Path dir) throws Exception {
        // Given a GitHub App whose private key is on disk, and a failed delivery of its webhook
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path keyFile = dir.resolve("app.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        github.registerApp(42, keys.getPublic());
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh:
                    type: github
                    api_url: "${GH}"
                    app: { app_id: 42, private_key_file: "${KEY}" }
                    delivery_recovery: { hooks: [ app ] }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString(), "KEY", keyFile.toString())::get);
        long failed = github.addHookDelivery("/app/hook", "guid-app", "installation", 503, now.minusSeconds(60));

        try (DefaultForgeClients appClients = new DefaultForgeClients(config, CallGate.OPEN, transport)) {
            DeliveryRecovery job = new DeliveryRecovery("gh", config.forge("gh").orElseThrow().deliveryRecovery().orElseThrow(),
                    appClients, Clock.fixed(now, ZoneOffset.UTC), registry);

            DeliveryRecovery.Result result = job.runOnce();

            // Then it is redelivered once, both calls authenticated with a JWT signed with the App's key
            assertThat(result.failures()).isEmpty();
            assertThat(github.redeliveries("/app/hook")).containsExactly(failed);
            // (the fake answers /app/hook/* with 401 unless the JWT verifies with the registered key)
            assertThat(github.requests(r -> r.path().startsWith("/app/hook/"))).extracting(RecordedRequest::method)
                    .containsExactly("GET", "POST");
            assertThat(github.tokensIssued()).as("no installation token needed").isZero();
        }
    }

    @Test
    void the_runner_runs_the_job_at_its_rate() throws Exception {
        github.addHookDelivery(REPO_HOOK, "guid-1", "issues", 500, now.minusSeconds(60));
        DeliveryRecoverySettings fast = new DeliveryRecoverySettings(Duration.ofMillis(50), settings.lookback(),
                List.of(settings.hooks().get(0)));
        DeliveryRecovery job = new DeliveryRecovery("gh", fast, clients, Clock.fixed(now, ZoneOffset.UTC), registry);

        try (DeliveryRecoveryRunner runner = DeliveryRecoveryRunner.start(List.of(job))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> github.redeliveries(REPO_HOOK).size() == 1);
        }
    }
}
