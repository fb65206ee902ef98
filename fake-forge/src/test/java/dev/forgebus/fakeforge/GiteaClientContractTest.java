package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.forge.CallGate;
import dev.forgebus.common.forge.ForgeClient;
import dev.forgebus.common.forge.ForgeCredential;
import dev.forgebus.common.forge.ForgeTransport;
import dev.forgebus.common.forge.GiteaClient;

/** {@link GiteaClient} on a Forgejo fake: the shared contract plus label ids and paging. */
class GiteaClientContractTest extends ForgeClientContractTest {

    @Override
    FakeForge.Flavor flavor() {
        return FakeForge.Flavor.FORGEJO;
    }

    @Override
    ForgeClient client(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        return new GiteaClient(apiUrl, credential, gate, transport);
    }

    @Override
    String authorizationScheme() {
        return "token";
    }

    @Test
    void attaches_labels_by_id_creating_the_missing_ones_first() throws Exception {
        // Given
        long bug = forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");

        // When
        client.addLabels(REPO, 7, List.of("bug", "crash"));

        // Then: list, create "crash", attach both ids
        List<RecordedRequest> requests = forge.requests();
        assertThat(requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /api/v1/repos/MyOrg/app/labels",
                "POST /api/v1/repos/MyOrg/app/labels",
                "POST /api/v1/repos/MyOrg/app/issues/7/labels");
        assertThat(requests.get(1).json().path("name").asText()).isEqualTo("crash");
        assertThat(requests.get(1).json().path("color").asText()).matches("#[0-9a-f]{6}");
        long crash = requests.get(2).json().path("labels").get(1).asLong();
        assertThat(requests.get(2).json().toString()).isEqualTo("{\"labels\":[" + bug + "," + crash + "]}");
    }

    @Test
    void finds_existing_labels_on_later_pages() throws Exception {
        // Given five repository labels and pages of two
        for (String name : List.of("a", "b", "c", "d", "e")) {
            forge.createLabel("MyOrg", "app", name, "ededed");
        }
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.maxPageSize(2);

        // When
        client.addLabels(REPO, 7, List.of("e"));

        // Then: three pages read, nothing created
        assertThat(forge.requests(r -> r.is("GET", ".*/repos/MyOrg/app/labels"))).extracting(RecordedRequest::query)
                .containsExactly("limit=50&page=1", "limit=50&page=2", "limit=50&page=3");
        assertThat(forge.requests(r -> r.is("POST", ".*/repos/MyOrg/app/labels"))).isEmpty();
        assertThat(forge.repositoryLabels("MyOrg", "app")).hasSize(5);
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("e");
    }

    @Test
    void reuses_a_label_that_differs_only_in_case() throws Exception {
        forge.createLabel("MyOrg", "app", "Bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.addLabels(REPO, 7, List.of("bug"));

        assertThat(forge.repositoryLabels("MyOrg", "app")).containsExactly("Bug");
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("Bug");
    }

    @Test
    void the_gate_observes_nothing_forgejo_does_not_report() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.labels(REPO, 7);

        CallGate.Observation observed = gate.observations().get(0);
        assertThat(observed.remaining()).isEmpty();
        assertThat(observed.resetAt()).isNull();
        assertThat(observed.retryAfter()).isNull();
    }
}
