package dev.forgebus.workers.stale;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Stale cleanup (SPEC 7.3). A tick of job {@code stale:<forge>:<org>} (or its re-checks) goes on with
 * the org's sweep ({@link StaleSweep}); a webhook the trigger chose (activity on a stale-labelled
 * item) takes the label off that item ({@link StaleActivity}).
 */
public final class StaleHandler implements ModuleHandler {

    @Override
    public ModuleId module() {
        return ModuleId.STALE;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        if (!ScheduledJobs.FORGE_ID.equals(work.envelope().forge())) {
            return StaleActivity.handle(work, context);
        }
        JsonNode payload = work.envelope().payload();
        String forge = payload.path("forge").asText("");
        String orgName = payload.path("org").asText("");
        if (forge.isEmpty() || orgName.isEmpty()) {
            throw InvalidInputException.payload("a stale tick names its forge and org");
        }
        Optional<OrgConfig> org = context.config().orgs().values().stream()
                .filter(o -> o.forge().equals(forge) && DeliveryNames.sameName(o.name(), orgName)).findFirst();
        if (org.isEmpty()) {
            return Result.done("org " + forge + ":" + orgName + " is not configured any more");
        }
        return StaleSweep.step(work, context, forge, org.get());
    }
}
