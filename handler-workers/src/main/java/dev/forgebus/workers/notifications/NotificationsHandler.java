package dev.forgebus.workers.notifications;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.NotificationChannel;
import dev.forgebus.common.config.NotificationSettings;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Notifications (SPEC 7.9): an event another module emitted goes to each channel of the repository
 * it is about whose {@code events} filter takes its kind, once per channel.
 *
 * <p>Once per channel across retries: every channel that has the item is written in the item's
 * {@link DeliveryLedger} before the next is tried, so when one channel fails and the item comes back,
 * only the channels without it are posted. When channels fail, the item fails with the mildest kind
 * among them (a transient failure beside a permanent one still gets its retries; the channel that
 * answered 404 is tried with it and the item dead-letters when the attempts are spent): the worker
 * retries it, and a channel that keeps failing ends it in the dead-letter topic, whose {@code dlq}
 * notice the worker emits. That notice, about this module's own item, leaves out the channels that
 * failed it ({@link ChannelSelection}); the worker emits none for a dead {@code dlq} item. No loop.
 */
public final class NotificationsHandler implements ModuleHandler {

    private final ChannelDelivery delivery;

    public NotificationsHandler() {
        this(new ChannelDelivery(new HttpChannelPoster(), new ChannelLimiter(), ChannelDelivery.Sleeper.REAL, Clock.systemUTC()));
    }

    NotificationsHandler(ChannelDelivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public ModuleId module() {
        return ModuleId.NOTIFICATIONS;
    }

    @Override
    public Result handle(WorkItem item, HandlerContext context) throws ForgeCallException, InterruptedException {
        if (!EmittedEvents.NOTIFICATION.equals(item.envelope().event())) {
            throw InvalidInputException.payload("not a notification: event " + item.envelope().event());
        }
        OutgoingNotification outgoing;
        try {
            outgoing = OutgoingNotification.of(item.envelope());
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.payload(e.getMessage());
        }
        Optional<NotificationSettings> settings = context.settings().settings().notifications();
        if (settings.isEmpty() || !settings.get().enabled()) {
            return Result.done("notifications are off for " + outgoing.about());
        }
        Set<String> failedBefore = isNoticeOfOwnDeadLetter(outgoing)
                ? DeliveryLedger.load(context.progress(), outgoing.sourceDeliveryId()).failing() : Set.of();
        List<NotificationChannel> channels = ChannelSelection.of(settings.get().channels(), outgoing.notification().kind(),
                failedBefore);
        if (channels.isEmpty()) {
            return Result.done("no channel takes " + outgoing.notification().kind());
        }
        DeliveryLedger ledger = DeliveryLedger.load(context.progress(), outgoing.id());
        List<String> sentNow = new ArrayList<>();
        List<String> already = new ArrayList<>();
        List<ChannelDelivery.Failed> failures = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        for (NotificationChannel channel : channels) {
            if (ledger.sent(channel.name())) {
                already.add(channel.name());
                continue;
            }
            switch (delivery.send(channel, outgoing)) {
                case ChannelDelivery.Delivered d -> {
                    ledger.markSent(channel.name());
                    sentNow.add(channel.name());
                }
                case ChannelDelivery.Failed f -> {
                    failures.add(f);
                    failing.add(channel.name());
                }
            }
        }
        if (failures.isEmpty()) {
            ledger.clear();
            return Result.done("sent to " + String.join(", ", sentNow)
                    + (already.isEmpty() ? "" : "; already sent to " + String.join(", ", already))
                    + (failedBefore.isEmpty() ? "" : "; left out (failed the item): " + String.join(", ", failedBefore)));
        }
        ledger.markFailing(failing);
        throw failure(failures, sentNow, already);
    }

    /** A {@code dlq} notice about a notification item of this module that dead-lettered. */
    private static boolean isNoticeOfOwnDeadLetter(OutgoingNotification outgoing) {
        return EmittedEvents.DLQ_KIND.equals(outgoing.notification().kind())
                && ModuleId.NOTIFICATIONS.id().equals(outgoing.module()) && !outgoing.sourceDeliveryId().isEmpty();
    }

    /** The mildest failure's kind: TRANSIENT over RATE_LIMITED over PERMANENT. */
    private static ForgeCallException failure(List<ChannelDelivery.Failed> failures, List<String> sentNow, List<String> already) {
        String reasons = String.join("; ", failures.stream().map(ChannelDelivery.Failed::reason).toList());
        List<String> done = new ArrayList<>(already);
        done.addAll(sentNow);
        String message = reasons + (done.isEmpty() ? "" : " (sent to " + String.join(", ", done) + ")");
        if (failures.stream().anyMatch(f -> f.kind() == ChannelDelivery.Kind.TRANSIENT)) {
            return ForgeCallException.transientFailure(0, message);
        }
        Optional<Duration> wait = failures.stream().filter(f -> f.kind() == ChannelDelivery.Kind.RATE_LIMITED)
                .map(ChannelDelivery.Failed::retryAfter).max(Duration::compareTo);
        if (wait.isPresent()) {
            return ForgeCallException.rateLimited(429, message, wait.get());
        }
        return ForgeCallException.permanent(0, message);
    }
}
