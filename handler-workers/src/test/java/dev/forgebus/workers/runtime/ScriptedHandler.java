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
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * A fake module: for each delivery id, a script of what its attempts do (succeed, throw, block);
 * once the script is spent, attempts succeed, unless the last step was marked to repeat. An attempt
 * that does not throw answers from its own script of {@link Answer}s ({@link Result#DONE} once
 * spent). Records every call in order.
 */
public final class ScriptedHandler implements ModuleHandler {

    /** What one attempt does. */
    @FunctionalInterface
    public interface Step {
        void run(EventEnvelope item) throws ForgeCallException, InterruptedException;
    }

    public static final Step SUCCEED = item -> {
    };

    /** What one attempt answers once its step returned normally. */
    @FunctionalInterface
    public interface Answer {
        Result answer(WorkItem item);
    }

    private final ModuleId module;
    private final Map<String, Deque<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Step> forever = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final Map<String, Answer> foreverAnswers = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final List<WorkItem> items = new ArrayList<>();

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

    /** The next attempts for {@code deliveryId} that do not throw answer these, in order; later ones answer DONE. */
    public ScriptedHandler answering(String deliveryId, Answer... script) {
        answers.put(deliveryId, new ArrayDeque<>(List.of(script)));
        return this;
    }

    /** Every attempt for {@code deliveryId} that does not throw answers {@code answer}. */
    public ScriptedHandler alwaysAnswering(String deliveryId, Answer answer) {
        foreverAnswers.put(deliveryId, answer);
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
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        EventEnvelope item = work.envelope();
        synchronized (calls) {
            calls.add(item.deliveryId());
            items.add(work);
        }
        Step always = forever.get(item.deliveryId());
        if (always != null) {
            always.run(item);
        } else {
            Deque<Step> script = scripts.get(item.deliveryId());
            Step step = script == null ? null : script.pollFirst();
            (step == null ? SUCCEED : step).run(item);
        }
        Answer answerAlways = foreverAnswers.get(item.deliveryId());
        if (answerAlways != null) {
            return answerAlways.answer(work);
        }
        Deque<Answer> script = answers.get(item.deliveryId());
        Answer answer = script == null ? null : script.pollFirst();
        return answer == null ? Result.DONE : answer.answer(work);
    }

    /** What the handler was given for {@code deliveryId}, call by call. */
    public List<WorkItem> items(String deliveryId) {
        synchronized (calls) {
            return items.stream().filter(i -> i.envelope().deliveryId().equals(deliveryId)).toList();
        }
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
