package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.forgebus.app.Modules;
import dev.forgebus.common.config.ModuleBlock;
import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.TriggerVerdict;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.FakeReceivers;
import dev.forgebus.fakeforge.FakeReceivers.Reply;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ModuleRegistration;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Issue 11.4 on {@code run}: a test module ({@code announce}) emits a notification for each opened
 * issue, of the kind the issue title starts with; the notifications module posts it to the fake
 * receivers configured for the repository.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    /** Settings of the test module: only {@code enabled}. */
    record AnnounceSettings(boolean enabled) implements ModuleBlock {
    }

    private static final ModuleId ANNOUNCE = new ModuleId("announce", "announce");
    private static final ModuleDeclaration<AnnounceSettings> DECLARATION = ModuleDeclaration.withBlock(ANNOUNCE,
            "emits a notification for each opened issue (test module)",
            new ModuleDeclaration.Block<>(AnnounceSettings.class, ModuleDeclaration.Scope.ORG_AND_REPOSITORY, List.of("enabled"),
                    (b, context) -> Optional.of(new AnnounceSettings(b.bool("enabled", true))),
                    s -> new LinkedHashMap<>(Map.of("enabled", s.enabled()))),
            new ModuleDeclaration.Start.Webhooks<>((settings, e) -> TriggerVerdict.of(
                    e.event().equals("issues") && "opened".equals(e.action()))));

    /** Emits {@code issue:<number>} of the kind the title's first word names. */
    static final class AnnounceHandler implements ModuleHandler {
        @Override
        public ModuleId module() {
            return ANNOUNCE;
        }

        @Override
        public Result handle(WorkItem item, HandlerContext context) throws dev.forgebus.forge.ForgeCallException, InterruptedException {
            JsonNode issue = item.envelope().payload().path("issue");
            String title = issue.path("title").asText();
            context.emit(Notification.of("issue:" + issue.path("number").asInt(), title.split(" ")[0], title, "about " + item.envelope().repo()));
            return Result.DONE;
        }
    }

    @TempDir
    static Path dir;
    private FakeForge forge;
    private FakeReceivers receivers;
    private RunningForgebus forgebus;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        receivers = FakeReceivers.start();
        String yaml = RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), "")
                .replace("    repositories:\n", """
                            announce: {}
                            repositories:
                              slacky: { notifications: { channels: [ { name: team, type: slack, url: "%s" } ] } }
                              deadly:
                                notifications:
                                  channels:
                                    - { name: dead, type: webhook, url: "%s", secret: "whsec_c2VjcmV0LWtleQ==" }
                                    - { name: alive, type: discord, url: "%s", events: [release, dlq] }
                              leaky: { notifications: { channels: [ { name: leaky, type: webhook, url: "%s" } ] } }
                              filtered: { notifications: { channels: [ { name: merges, type: slack, url: "%s", events: [merged] } ] } }
                        """.formatted(receivers.url("slack/T1/B1/slack-token-1"), receivers.url("hooks/dead-token-2"),
                        receivers.url("discord/3/discord-token-3"), receivers.url("hooks/leak-token-5"),
                        receivers.url("slack/T4/B4/slack-token-4")));
        receivers.script("slack/T1/B1/slack-token-1", Reply.RATE_LIMITED, Reply.OK);
        receivers.script("hooks/dead-token-2", Reply.SERVER_ERROR);
        receivers.script("discord/3/discord-token-3", Reply.NO_CONTENT);
        receivers.script("hooks/leak-token-5", Reply.NOT_FOUND);
        forgebus = new RunningForgebus(Modules.BUILT_IN.with(new ModuleRegistration(DECLARATION, AnnounceHandler::new)), yaml,
                dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        forgebus.close();
        forge.close();
        receivers.close();
    }

    @Test
    void a_slack_channel_answering_429_then_200_gets_exactly_one_message() throws Exception {
        String delivery = open("slacky", 1, "release v1.2.0 is out");

        await().atMost(WITHIN).until(() -> receivers.accepted("slack/T1/B1/slack-token-1").size() == 1);
        await().atMost(WITHIN).until(() -> outcome(notificationOf(delivery, 1)).isPresent());

        assertThat(receivers.received("slack/T1/B1/slack-token-1")).extracting(FakeReceivers.Received::answeredWith)
                .containsExactly(429, 200);
        assertThat(Json.MAPPER.readTree(receivers.accepted("slack/T1/B1/slack-token-1").getFirst().body()).path("text").asText())
                .isEqualTo("release v1.2.0 is out");
        assertThat(outcome(notificationOf(delivery, 1)).orElseThrow().path("status").asText()).isEqualTo("DONE");
    }

    @Test
    void a_dead_channel_ends_in_the_dlq_and_a_dlq_notification_goes_to_the_other_channel_only() throws Exception {
        String delivery = open("deadly", 2, "release v2.0.0 is out");
        String notification = notificationOf(delivery, 2);

        await().atMost(WITHIN).until(() -> outcome(notification).filter(o -> o.path("status").asText().equals("DEAD_LETTER")).isPresent());
        await().atMost(WITHIN).until(() -> receivers.accepted("discord/3/discord-token-3").size() == 2);

        // The live channel had the release once, though the item was tried three times, then the dlq notice
        List<String> contents = receivers.accepted("discord/3/discord-token-3").stream()
                .map(r -> readContent(r.body())).toList();
        assertThat(contents.get(0)).startsWith("**release v2.0.0 is out**");
        assertThat(contents.get(1)).startsWith("**notifications dead-lettered notification.release of MyOrg/deadly**")
                .contains("channel dead (webhook): HTTP 500");
        // The dead channel was tried max_attempts times and never told of its own death
        assertThat(receivers.received("hooks/dead-token-2")).hasSize(3)
                .allSatisfy(r -> assertThat(r.header("webhook-signature")).startsWith("v1,"))
                .allSatisfy(r -> assertThat(r.body()).doesNotContain("dead-lettered"));
        assertThat(outcome(notification).orElseThrow().path("error").asText()).doesNotContain("dead-token-2");
    }

    @Test
    void a_channel_whose_events_filter_excludes_the_kind_gets_nothing() throws Exception {
        String delivery = open("filtered", 3, "release v3.0.0 is out");

        await().atMost(WITHIN).until(() -> outcome(notificationOf(delivery, 3)).isPresent());

        assertThat(outcome(notificationOf(delivery, 3)).orElseThrow().path("error").asText()).isEqualTo("no channel takes release");
        assertThat(receivers.received("slack/T4/B4/slack-token-4")).isEmpty();
    }

    @Test
    void no_channel_url_or_secret_appears_in_logs_outcomes_or_metrics_even_when_the_receiver_echoes_it() throws Exception {
        String delivery = open("leaky", 4, "release v4.0.0 is out");
        String notification = notificationOf(delivery, 4);

        await().atMost(WITHIN).until(() -> outcome(notification).filter(o -> o.path("status").asText().equals("DEAD_LETTER")).isPresent());

        assertThat(receivers.received("hooks/leak-token-5")).hasSize(1); // 404 is permanent: no retry
        assertThat(outcome(notification).orElseThrow().path("error").asText()).contains("HTTP 404: no_service");
        String everything = String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList())
                + forgebus.metrics() + forgebus.adminJson("GET", "/admin/deliveries/" + notification, null)
                + forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
        for (String token : List.of("slack-token-1", "dead-token-2", "discord-token-3", "slack-token-4", "leak-token-5",
                "c2VjcmV0LWtleQ")) {
            assertThat(everything).doesNotContain(token);
        }
    }

    private String open(String repo, int number, String title) throws Exception {
        forge.createIssue("MyOrg", repo, number, title);
        String delivery = RunningForgebus.newDelivery();
        assertThat(forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened(repo, number, title)).statusCode()).isEqualTo(202);
        return delivery;
    }

    private static String notificationOf(String delivery, int number) {
        return EmittedEvents.deliveryId("announce", delivery, "issue:" + number);
    }

    private Optional<JsonNode> outcome(String delivery) throws Exception {
        for (JsonNode o : forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null).path("outcomes")) {
            if (o.path("module").asText().equals("notifications")) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static String readContent(String body) {
        try {
            return Json.MAPPER.readTree(body).path("content").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
