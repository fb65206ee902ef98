package dev.forgebus.app.welcome;

import java.util.Optional;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/** Waits {@code delay} (a re-check), then comments the message once: idempotent by reading the comments first. */
final class WelcomeHandler implements ModuleHandler {

    @Override
    public ModuleId module() {
        return WelcomeModule.ID;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        Optional<WelcomeSettings> settings = context.settings().settings().block(WelcomeModule.DECLARATION)
                .filter(WelcomeSettings::enabled);
        if (settings.isEmpty()) {
            return Result.done("welcome is off for this repository");
        }
        if (!work.isRecheck() && !settings.get().delay().isZero()) {
            return Result.recheckAfter(settings.get().delay(), "welcome after the delay");
        }
        EventEnvelope item = work.envelope();
        long number = item.payload().path("issue").path("number").asLong(0);
        if (number < 1) {
            throw InvalidInputException.payload("issues.opened without an issue number");
        }
        RepoRef repo = new RepoRef(item.forge(), item.owner(), item.repo());
        ForgeClient forge = context.clients().forOwner(item.forge(), item.owner());
        String message = settings.get().message();
        if (forge.comments(repo, number).stream().anyMatch(c -> c.body().equals(message))) {
            return Result.done("already welcomed #" + number);
        }
        forge.comment(repo, number, message);
        return Result.done("welcomed #" + number);
    }
}
