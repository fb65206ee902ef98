package dev.forgebus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The broker properties of a single node and of one member of a three-node quorum, without starting either. */
class QuorumTest {
    private static final Path DIR = Path.of("/tmp/forgebus-quorum-test");
    private static final String VOTERS = "1@127.0.0.1:19093,2@127.0.0.1:19094,3@127.0.0.1:19095";

    @Test
    void a_member_of_three_votes_with_the_others_and_replicates_internal_topics_three_times_with_two_in_sync() {
        // Given node 2 of a three-voter quorum
        BrokerSettings settings = EmbeddedBrokerMain.Arguments.parse("--node-id", "2", "--port", "19192",
                "--data-dir", DIR.toString(), "--voters", VOTERS, "--cluster-id", "forgebus-test-cluster").settings();

        // When its broker properties are built
        Map<String, String> p = EmbeddedKafkaBroker.brokerProperties(DIR, 19192, settings.controllerPort(), settings);

        // Then it is node 2, listens on its own voter's controller port and replicates as a production cluster does
        assertThat(settings.controllerPort()).isEqualTo(19094);
        assertThat(p).containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", VOTERS)
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19192,CONTROLLER://127.0.0.1:19094")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void a_single_node_stays_its_own_only_voter_with_one_replica() {
        BrokerSettings settings = BrokerSettings.of(DIR, 19192);

        Map<String, String> p = EmbeddedKafkaBroker.brokerProperties(DIR, 19192, 19193, settings);

        assertThat(p).containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19193")
                .containsEntry("default.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("transaction.state.log.min.isr", "1");
    }

    @Test
    void members_of_a_cluster_must_share_a_cluster_id_and_be_among_the_voters() {
        List<Quorum.Voter> voters = Quorum.parseVoters(VOTERS);

        assertThatThrownBy(() -> new Quorum(1, voters, Optional.empty()))
                .hasMessageContaining("needs a cluster id shared by its members");
        assertThatThrownBy(() -> new Quorum(4, voters, Optional.of("c")))
                .hasMessageContaining("node id 4 is not one of the voters");
        assertThatThrownBy(() -> Quorum.parseVoters("1@10.0.0.5:9093"))
                .hasMessageContaining("listens on 127.0.0.1 only");
        assertThatThrownBy(() -> EmbeddedBrokerMain.Arguments.parse("--node-id", "1", "--port", "19192"))
                .hasMessageContaining("--data-dir is required");
    }
}
