package dev.forgebus.workers.runtime;

import java.util.Optional;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;

/**
 * The {@code dlq} notification a worker emits once a dead letter is acknowledged (SPEC 7.9: "the
 * {@code dlq} event is emitted whenever any module dead-letters"), about the repository the item was
 * about. Pure: the worker emits what {@link #of} answers.
 *
 * <p>Never a loop: a dead letter of the {@code notifications} module's own {@code dlq} item gets no
 * notice (it would be about the failure to tell of a failure), and the notifications handler sends a
 * {@code dlq} notice about its own failure only to the channels that did not fail (see
 * {@code NotificationsHandler}).
 *
 * @param forge        the forge of the repository the notice is about
 * @param notification the notice; its key names the dead letter ({@code dlq:<partition>:<offset>}), so
 *                     each dead letter (also of a replay that failed again) is its own notification
 */
public record DeadLetterNotice(String forge, String owner, String repo, Notification notification) {

    /**
     * The notice for {@code item} of {@code module}, dead-lettered as {@code deadLetterPartition:offset}
     * after {@code attempts} attempts because of {@code failure}; empty when no notice is due.
     */
    public static Optional<DeadLetterNotice> of(ModuleId module, EventEnvelope item, Failure failure, int attempts,
                                                int deadLetterPartition, long deadLetterOffset) {
        if (module.equals(ModuleId.NOTIFICATIONS) && EmittedEvents.NOTIFICATION.equals(item.event())
                && EmittedEvents.DLQ_KIND.equals(item.action())) {
            return Optional.empty();
        }
        String deadLetter = module.id() + ":" + deadLetterPartition + ":" + deadLetterOffset;
        String about = item.repo().isEmpty() ? item.owner() : item.owner() + "/" + item.repo();
        String title = cut(module.id() + " dead-lettered " + item.eventAction() + (about.isEmpty() ? "" : " of " + about),
                Notification.MAX_TITLE);
        String text = cut(printable("Delivery " + item.deliveryId() + " failed after " + attempts + " attempt(s): "
                + failure.reason() + "\nDead letter " + deadLetter + " (forgebus dlq show --id " + deadLetter
                + "; replay with forgebus dlq replay --id " + deadLetter + ")"), Notification.MAX_TEXT);
        return Optional.of(new DeadLetterNotice(EmittedEvents.repositoryForge(item), item.owner(), item.repo(),
                Notification.of("dlq:" + deadLetterPartition + ":" + deadLetterOffset, EmittedEvents.DLQ_KIND,
                        printable(title).replace('\n', ' ').replace('\t', ' '), text)));
    }

    /** New lines and tabs kept, every other control character (and a lone surrogate) a space. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c) || Character.isISOControl(c) && c != '\n' && c != '\t') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 3;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }
}
