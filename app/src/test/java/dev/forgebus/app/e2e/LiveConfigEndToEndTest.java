package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.forgebus.common.config.ConfigWatcher;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Live config (issue 10) on {@code run --config FILE}: editing the file rotates the webhook
 * secret and changes triage rules without a restart; a broken edit is refused with its
 * {@code FILE:LINE} problem in the log and the running config kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveConfigEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String SECRET_B = "rotated-secret-b";

    @TempDir
    static Path dir;
    private Path file;
    private FakeForge forge;
    private RunningForgebus forgebus;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    /** The webhook secret of the file in force; the rotation test changes it. */
    private volatile String secret = RunningForgebus.SECRET;
    private int nextIssue = 1;

    @BeforeAll
    void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(ConfigWatcher.class)).addAppender(logs);
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        file = dir.resolve("forgebus.yml");
        Files.writeString(file, RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), ""));
        forgebus = new RunningForgebus(file, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(ConfigWatcher.class)).detachAppender(logs);
        forgebus.close();
        forge.close();
    }

    private int post(String signedWith) throws Exception {
        return forgebus.postGithub("issues", RunningForgebus.newDelivery(), RunningForgebus.issueOpened("app", 999, "t"), signedWith)
                .statusCode();
    }

    private synchronized void edit(String from, String to) throws Exception {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void editing_the_file_rotates_the_webhook_secret_live_and_a_broken_edit_keeps_the_old_config() throws Exception {
        // Given deliveries signed with secret A are accepted
        assertThat(post(RunningForgebus.SECRET)).isEqualTo(202);

        // When the file's secret becomes B
        edit("webhook_secret: " + RunningForgebus.SECRET, "webhook_secret: " + SECRET_B);

        // Then B is accepted once the watcher saw the edit, and from then on A is refused
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> post(SECRET_B) == 202);
        secret = SECRET_B;
        assertThat(post(RunningForgebus.SECRET)).isEqualTo(401);

        // When an edit breaks the file (an unknown key, on the last line)
        String good = Files.readString(file);
        String broken = good + "bogus_key: 1\n";
        int line = (int) broken.lines().count();
        Files.writeString(file, broken);

        // Then the log names the problem with its line, and the old config keeps serving
        String problem = file + ":" + line + ": unknown key 'bogus_key'";
        await().atMost(WITHIN).until(() -> logs.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("not reloaded") && e.getFormattedMessage().contains(problem)));
        assertThat(post(SECRET_B)).isEqualTo(202);
        assertThat(post(RunningForgebus.SECRET)).isEqualTo(401);
        assertThat(forgebus.metrics())
                .contains("forgebus_config_reloads_total{result=\"applied\"} 1.0")
                .contains("forgebus_config_reloads_total{result=\"rejected\"} 1.0");
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(SECRET_B));
        Files.writeString(file, good);
    }

    @Test
    void a_triage_keyword_added_to_the_file_labels_the_next_issue() throws Exception {
        // Given "manual" is no keyword: an issue about it gets needs-triage
        int before = openIssue("The manual is outdated");
        await().atMost(WITHIN).until(() -> !forge.labels("MyOrg", "app", before).isEmpty());
        assertThat(forge.labels("MyOrg", "app", before)).doesNotContain("documentation");

        // When the docs rule gets the keyword "manual"
        edit("keywords: [docs]", "keywords: [docs, manual]");

        // Then a later issue about the manual is labelled documentation
        await().atMost(WITHIN).pollInterval(Duration.ofSeconds(1)).until(() -> {
            int issue = openIssue("The manual is outdated");
            await().atMost(WITHIN).until(() -> !forge.labels("MyOrg", "app", issue).isEmpty());
            return forge.labels("MyOrg", "app", issue).contains("documentation");
        });
    }

    private int openIssue(String title) throws Exception {
        int number = nextIssue++;
        forge.createIssue("MyOrg", "app", number, title);
        assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(), RunningForgebus.issueOpened("app", number, title),
                secret).statusCode()).isEqualTo(202);
        return number;
    }
}
