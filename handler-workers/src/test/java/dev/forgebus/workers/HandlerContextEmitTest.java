package dev.forgebus.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.workers.runtime.WorkerTestKit;

class HandlerContextEmitTest {

    @Test
    void an_emitted_notification_names_the_bound_module_the_item_delivery_and_the_item_repository() throws Exception {
        // Given services bound to the release module, with an emitter that records
        List<String> emitted = new ArrayList<>();
        Emitter recording = (module, source, forge, owner, repo, n) -> emitted.add(String.join("|", module.id(), source, forge, owner,
                repo, n.key(), n.kind()));
        HandlerServices base = WorkerTestKit.SERVICES;
        HandlerServices release = new HandlerServices(base.clients(), base.settings(), recording, ProgressStores.NONE)
                .forModule(ModuleId.RELEASE);

        // When a handler emits for its item, and once about another repository
        HandlerContext context = release.contextFor(WorkerTestKit.envelope("d-7", "Org", "app"), Clock.systemUTC());
        context.emit(Notification.of("release:v1", "release", "v1 released", ""));
        context.emit(Notification.of("drift:main", "mirror_drift", "main drifted", ""), "codeberg", "Org", "app");

        // Then
        assertThat(emitted).containsExactly("release|d-7|gh|Org|app|release:v1|release",
                "release|d-7|codeberg|Org|app|drift:main|mirror_drift");
    }

    @Test
    void services_not_bound_to_a_module_refuse_to_emit_or_store_progress() {
        HandlerContext context = WorkerTestKit.SERVICES.contextFor(WorkerTestKit.envelope("d-8", "Org", "app"), Clock.systemUTC());
        assertThatThrownBy(() -> context.emit(Notification.of("k", "release", "t", "")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("forModule");
        assertThatThrownBy(context::progress).isInstanceOf(IllegalStateException.class);
    }
}
