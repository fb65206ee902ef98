package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeTransport;

/**
 * GitHub App authentication end to end: {@link DefaultForgeClients} with an {@code app:} forge
 * against the fake, which verifies the RS256 JWT with the public key of a key pair made here.
 */
class GitHubAppAuthTest {
    private static final long APP_ID = 77;
    private static final long INSTALLATION = 9001;
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static KeyPair keys;

    @TempDir
    Path dir;
    private SettableClock clock;
    private FakeForge github;
    private ForgeTransport transport;
    private RecordingGate gate;

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @BeforeEach
    void start() {
        clock = new SettableClock(START);
        github = FakeForge.start(FakeForge.Flavor.GITHUB, clock);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), clock);
        gate = new RecordingGate();
        github.registerApp(APP_ID, keys.getPublic());
        github.installApp(APP_ID, "MyOrg", INSTALLATION);
        // Only installation tokens the fake issued get through.
        github.requireToken("a-personal-token-nobody-has");
        github.createIssue("MyOrg", "app", 1, "t");
        github.labelIssue("MyOrg", "app", 1, "bug");
    }

    @AfterEach
    void stop() {
        transport.close();
        github.close();
    }

    // ---- keys as files ----

    /** The PKCS#1 key inside the JDK's PKCS#8 encoding (its last element, an OCTET STRING). */
    private static byte[] pkcs1() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        int at = 1 + lengthOfLength(pkcs8, 1);
        at += 3;
        at += 2 + pkcs8[at + 1];
        return Arrays.copyOfRange(pkcs8, at + 1 + lengthOfLength(pkcs8, at + 1), pkcs8.length);
    }

    private static int lengthOfLength(byte[] der, int at) {
        int first = der[at] & 0xff;
        return first < 0x80 ? 1 : 1 + (first & 0x7f);
    }

    private Path pem(String type, byte[] der) throws Exception {
        Path file = dir.resolve(type.replace(' ', '-') + ".pem");
        Files.writeString(file, "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n");
        return file;
    }

    private DefaultForgeClients clients(Path keyFile, String installationLine) throws Exception {
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh:
                    type: github
                    api_url: "${GH}"
                    app: { app_id: 77, private_key_file: "${KEY}"%s }
                orgs:
                  MyOrg: { forge: gh }
                """.formatted(installationLine), "forgebus.yml",
                Map.of("GH", github.apiUrl().toString(), "KEY", keyFile.toString())::get);
        return new DefaultForgeClients(config, gate, transport);
    }

    private static final RepoRef REPO = new RepoRef("gh", "MyOrg", "app");

    @Test
    void an_installation_token_is_fetched_once_and_serves_many_calls() throws Exception {
        // Given a PKCS#1 key, as GitHub hands it out, and the installation in the config
        DefaultForgeClients clients = clients(pem("RSA PRIVATE KEY", pkcs1()), ", installation_id: 9001");

        // When
        for (int i = 0; i < 5; i++) {
            assertThat(clients.forOwner("gh", "MyOrg").labels(REPO, 1)).containsExactly("bug");
        }

        // Then: one token, through the gate under the App's own credential; calls under the installation's
        assertThat(github.tokensIssued(INSTALLATION)).isEqualTo(1);
        assertThat(clients.credentialId("gh", "MyOrg")).isEqualTo("gh");
        assertThat(gate.sequence()).startsWith("acquire:gh/app:77", "observe:gh/app:77", "acquire:gh", "observe:gh");
        assertThat(github.requests(r -> r.path().endsWith("/labels"))).hasSize(5)
                .allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer *****"));
    }

    @Test
    void the_token_is_renewed_when_less_than_five_minutes_are_left() throws Exception {
        DefaultForgeClients clients = clients(pem("RSA PRIVATE KEY", pkcs1()), ", installation_id: 9001");
        clients.forOwner("gh", "MyOrg").labels(REPO, 1);

        // 54 minutes on: 6 minutes left, the token is kept
        clock.advance(Duration.ofMinutes(54));
        clients.forOwner("gh", "MyOrg").labels(REPO, 1);
        assertThat(github.tokensIssued()).isEqualTo(1);

        // 2 more: 4 minutes left, a new one is fetched (with a new JWT, valid at the new time) and works
        clock.advance(Duration.ofMinutes(2));
        assertThat(clients.forOwner("gh", "MyOrg").labels(REPO, 1)).containsExactly("bug");
        assertThat(github.tokensIssued()).isEqualTo(2);

        // and an hour later the old one would have expired at the fake; the new one is renewed again
        clock.advance(Duration.ofMinutes(58));
        assertThat(clients.forOwner("gh", "MyOrg").labels(REPO, 1)).containsExactly("bug");
        assertThat(github.tokensIssued()).isEqualTo(3);
    }

    @Test
    void without_an_installation_id_each_owners_installation_is_looked_up_once() throws Exception {
        // Given a PKCS#8 key and two installations
        github.installApp(APP_ID, "Other", 9002);
        github.createIssue("Other", "lib", 2, "t");
        DefaultForgeClients clients = clients(pem("PRIVATE KEY", keys.getPrivate().getEncoded()), "");

        // When
        for (int i = 0; i < 3; i++) {
            clients.forOwner("gh", "myorg").labels(REPO, 1);
            clients.forOwner("gh", "Other").labels(new RepoRef("gh", "Other", "lib"), 2);
        }

        // Then
        assertThat(github.tokensIssued(INSTALLATION)).isEqualTo(1);
        assertThat(github.tokensIssued(9002)).isEqualTo(1);
        assertThat(github.requests(r -> r.path().equals("/orgs/myorg/installation"))).hasSize(1);
        assertThat(github.requests(r -> r.path().equals("/orgs/Other/installation"))).hasSize(1);
        assertThat(clients.credentialId("gh", "myorg")).isEqualTo("gh/MyOrg");
        assertThat(clients.credentialId("gh", "Other")).isEqualTo("gh/other");
    }

    @Test
    void concurrent_first_calls_share_one_token() throws Exception {
        DefaultForgeClients clients = clients(pem("RSA PRIVATE KEY", pkcs1()), ", installation_id: 9001");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return clients.forOwner("gh", "MyOrg").labels(REPO, 1);
                }));
            }
            go.countDown();
            for (Future<List<String>> call : calls) {
                assertThat(call.get()).containsExactly("bug");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(github.tokensIssued()).isEqualTo(1);
    }

    @Test
    void a_key_the_app_does_not_have_fails_permanently_without_showing_the_jwt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        github.registerApp(APP_ID, generator.generateKeyPair().getPublic());
        DefaultForgeClients clients = clients(pem("RSA PRIVATE KEY", pkcs1()), ", installation_id: 9001");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> clients.forOwner("gh", "MyOrg").labels(REPO, 1));

        assertThat(failure.kind()).isEqualTo(ForgeCallException.Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(401);
        assertThat(failure.getMessage()).contains("/app/installations/9001/access_tokens").doesNotContain("eyJ");
        assertThat(github.tokensIssued()).isZero();
        assertThat(github.requests(r -> r.path().endsWith("/labels"))).isEmpty();
    }

    @Test
    void a_missing_key_file_fails_permanently_naming_the_file_not_its_content() throws Exception {
        DefaultForgeClients clients = clients(dir.resolve("absent.pem"), ", installation_id: 9001");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> clients.forOwner("gh", "MyOrg").labels(REPO, 1));

        assertThat(failure.kind()).isEqualTo(ForgeCallException.Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("absent.pem").contains("App 77");
        assertThat(github.requests()).isEmpty();
    }
}
