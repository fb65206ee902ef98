package dev.forgebus.workers;

import dev.forgebus.common.config.ModuleId;

/** Each module's {@link ProgressStore}; one per process. */
public interface ProgressStores {

    /** {@code module}'s store, opened (and loaded) on the first call. */
    ProgressStore of(ModuleId module);

    /** For processes and tests without Kafka: using a progress store is a bug there. */
    ProgressStores NONE = module -> {
        throw new IllegalStateException("this process has no progress stores (HandlerServices built without them)");
    };
}
