package dev.forgebus.workers.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.ModuleHandler;

/**
 * A fake module: for each delivery id, a script of what its attempts do (succeed, throw, block);
 * once the script is spent, attempts succeed, unless the last step was marked to repeat. Records
 * every call in order.
 */
public final class ScriptedHandler implements ModuleHandler {

    /** What one attempt does. */
    @FunctionalInterface
    public interface Step {
        void run(EventEnvelope item) throws ForgeCallException, InterruptedException;
    }

    public static final Step SUCCEED = item -> {
    };

    private final ModuleId module;
    private final Map<String, Deque<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Step> forever = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();

    public ScriptedHandler(ModuleId module) {
        this.module = module;
    }

    /** The next attempts for {@code deliveryId} do these steps, in order; later ones succeed. */
    public ScriptedHandler script(String deliveryId, Step... steps) {
        scripts.put(deliveryId, new ArrayDeque<>(List.of(steps)));
        return this;
    }

    /** Every attempt for {@code deliveryId} does {@code step}. */
    public ScriptedHandler always(String deliveryId, Step step) {
        forever.put(deliveryId, step);
        return this;
    }

    public static Step failing(ForgeCallException e) {
        return item -> {
            throw e;
        };
    }

    public static Step throwing(RuntimeException e) {
        return item -> {
            throw e;
        };
    }

    @Override
    public ModuleId module() {
        return module;
    }

    @Override
    public void handle(EventEnvelope item) throws ForgeCallException, InterruptedException {
        synchronized (calls) {
            calls.add(item.deliveryId());
        }
        Step always = forever.get(item.deliveryId());
        if (always != null) {
            always.run(item);
            return;
        }
        Deque<Step> script = scripts.get(item.deliveryId());
        Step step = script == null ? null : script.pollFirst();
        (step == null ? SUCCEED : step).run(item);
    }

    /** Every call so far, by delivery id, in the order they started. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public long calls(String deliveryId) {
        return calls().stream().filter(deliveryId::equals).count();
    }
}
