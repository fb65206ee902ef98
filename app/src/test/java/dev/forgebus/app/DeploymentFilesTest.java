package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The packaging files, checked without a Docker engine or a Kubernetes cluster (neither exists on
 * the build machines): docker-compose.yml, the Dockerfile and every manifest under deploy/ are
 * parsed and held to the topology docs/operations.md describes.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static Object at(Object node, String... keys) {
        Object o = node;
        for (String k : keys) {
            o = map(o).get(k);
        }
        return o;
    }

    private static Map<String, Object> compose() throws IOException {
        return map(new Yaml(new LoaderOptions()).load(Files.readString(ROOT.resolve("docker-compose.yml"))));
    }

    private static Map<String, Object> services() throws IOException {
        return map(compose().get("services"));
    }

    private static String kafkaVersionOfThePom() throws IOException {
        Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static Set<String> kafkaServices(Map<String, Object> services) {
        Set<String> names = new HashSet<>();
        services.forEach((name, s) -> {
            if (String.valueOf(map(s).get("image")).startsWith("apache/kafka:")) {
                names.add(name);
            }
        });
        return names;
    }

    @Test
    void every_compose_service_restarts_is_health_checked_and_waits_for_healthy_dependencies() throws IOException {
        services().forEach((name, raw) -> {
            Map<String, Object> s = map(raw);
            assertThat(s.get("restart")).as(name + ": restart").isEqualTo("unless-stopped");
            assertThat(list(at(s, "healthcheck", "test"))).as(name + ": healthcheck").isNotEmpty();
            Object dependsOn = s.get("depends_on");
            if (!String.valueOf(s.get("image")).startsWith("apache/kafka:")) {
                assertThat(dependsOn).as(name + ": depends_on the brokers").isNotNull();
            }
            if (dependsOn != null) {
                map(dependsOn).forEach((dep, condition) -> assertThat(at(condition, "condition"))
                        .as(name + " depends on " + dep).isEqualTo("service_healthy"));
            }
        });
    }

    @Test
    void compose_runs_a_three_broker_kraft_cluster_with_replication_factor_3_and_min_isr_2() throws IOException {
        Map<String, Object> services = services();
        Set<String> brokers = kafkaServices(services);
        assertThat(brokers).hasSize(3);
        Set<Object> nodeIds = new HashSet<>();
        Map<String, Object> volumes = map(compose().get("volumes"));
        for (String broker : brokers) {
            Map<String, Object> s = map(services.get(broker));
            assertThat(s.get("image")).isEqualTo("apache/kafka:" + kafkaVersionOfThePom());
            Map<String, Object> env = map(s.get("environment"));
            nodeIds.add(String.valueOf(env.get("KAFKA_NODE_ID")));
            assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(String.valueOf(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).split(",")).hasSize(3);
            assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2);
            String dataVolume = String.valueOf(list(s.get("volumes")).get(0));
            assertThat(dataVolume).endsWith(":" + env.get("KAFKA_LOG_DIRS"));
            assertThat(volumes).as("named data volume of " + broker).containsKey(dataVolume.substring(0, dataVolume.indexOf(':')));
        }
        assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
    }

    @Test
    void compose_roles_run_the_built_image_with_secrets_from_an_env_file_and_no_host_built_jar() throws IOException {
        Map<String, Object> services = services();
        Set<String> roles = new HashSet<>(services.keySet());
        roles.removeAll(kafkaServices(services));
        List<Integer> gatewayHostPorts = new ArrayList<>();
        Set<ModuleId> workerModules = new HashSet<>();
        for (String name : roles) {
            Map<String, Object> s = map(services.get(name));
            assertThat(s.get("build")).as(name + ": built from the Dockerfile").isEqualTo(".");
            assertThat(s.get("env_file")).as(name + ": secrets").isEqualTo(".env");
            for (Object volume : list(s.get("volumes"))) {
                assertThat(String.valueOf(volume)).as(name + " mounts").doesNotContain(".jar").doesNotContain("target/");
            }
            List<String> command = list(s.get("command")).stream().map(String::valueOf).toList();
            if (command.get(0).equals("gateway")) {
                String published = String.valueOf(list(s.get("ports")).get(0));
                gatewayHostPorts.add(Integer.parseInt(published.replaceAll("^\\$\\{[A-Z0-9_]+:-(\\d+)}:8080$", "$1")));
            }
            if (command.get(0).equals("workers")) {
                int at = command.indexOf("--modules");
                assertThat(at).as(name + ": a group of modules").isPositive();
                for (String id : command.get(at + 1).split(",")) {
                    workerModules.add(Modules.BUILT_IN.withHandler().stream().filter(m -> m.id().equals(id)).findFirst()
                            .orElseThrow(() -> new AssertionError(name + ": no module with a handler named " + id)));
                }
            }
        }
        assertThat(gatewayHostPorts).as("two gateways on distinct host ports").hasSize(2).doesNotHaveDuplicates();
        assertThat(workerModules).as("the worker groups together run every module").isEqualTo(Modules.BUILT_IN.withHandler());
        assertThat(roles.stream().map(r -> String.valueOf(list(map(services.get(r)).get("command")).get(0))))
                .contains("dedup", "scheduler");
        assertThat(ROOT.resolve(".env.example")).exists();
        assertThat(Files.readString(ROOT.resolve(".gitignore")).lines()).contains(".env");
    }

    @Test
    void the_compose_config_is_valid_and_replicates_topics_three_times() throws Exception {
        ForgebusConfig config = ConfigLoader.load(ROOT.resolve("examples/docker.yml"), k -> null, Modules.BUILT_IN.catalog());
        assertThat(config.kafka().replicationFactor()).isEqualTo((short) 3);
        assertThat(config.kafka().bootstrapServers().split(",")).hasSize(3);
    }

    @Test
    void the_dockerfile_builds_with_maven_runs_on_a_jre_as_non_root_and_checks_health() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile")).stream().map(String::strip).toList();
        assertThat(lines).anyMatch(l -> l.matches("FROM maven:3-eclipse-temurin-21 AS build"))
                .anyMatch(l -> l.startsWith("RUN") && l.contains("mvn") && l.contains("package") && l.contains("-DskipTests"))
                .anyMatch(l -> l.equals("FROM eclipse-temurin:21-jre"))
                .anyMatch(l -> l.matches("USER [1-9][0-9]*:[1-9][0-9]*"))
                .anyMatch(l -> l.startsWith("HEALTHCHECK") && l.contains("/health"))
                .anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("forgebus"));
        String healthcheck = Files.readString(ROOT.resolve("deploy/docker/healthcheck"));
        assertThat(healthcheck).contains("FORGEBUS_MANAGEMENT_PORT:-9090").contains("/dev/tcp/127.0.0.1/");
        assertThat(Files.readString(ROOT.resolve(".dockerignore")).lines()).contains("**/target", ".env");
    }

    @Test
    void every_kubernetes_deployment_probes_health_and_ready_on_the_configured_management_port() throws Exception {
        Path base = ROOT.resolve("deploy/kustomize/base");
        ForgebusConfig config = ConfigLoader.load(base.resolve("forgebus.yml"),
                k -> Map.of("GITHUB_WEBHOOK_SECRET", "s", "FORGEBUS_KAFKA_BOOTSTRAP", "kafka:9092").get(k), Modules.BUILT_IN.catalog());
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("deploy"))) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml$")).toList()) {
                for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(f))) {
                    if (doc != null) {
                        docs.add(map(doc));
                    }
                }
            }
        }
        Set<String> roles = new HashSet<>();
        int pdbs = 0;
        Integer gatewayTarget = null;
        for (Map<String, Object> doc : docs) {
            switch (String.valueOf(doc.get("kind"))) {
                case "Deployment" -> {
                    List<String> args = list(at(doc, "spec", "template", "spec", "containers")).stream()
                            .map(c -> list(at(c, "args")).get(0).toString()).toList();
                    roles.addAll(args);
                    for (Object c : list(at(doc, "spec", "template", "spec", "containers"))) {
                        Map<String, Integer> ports = new java.util.HashMap<>();
                        list(at(c, "ports")).forEach(p -> ports.put(String.valueOf(at(p, "name")), (Integer) at(p, "containerPort")));
                        assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/health");
                        assertThat(at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/ready");
                        for (String probe : List.of("livenessProbe", "readinessProbe")) {
                            Object port = at(c, probe, "httpGet", "port");
                            assertThat(port instanceof String named ? ports.get(named) : port)
                                    .as(probe + " port").isEqualTo(config.management().port());
                        }
                        if (ports.containsKey("webhooks")) {
                            assertThat(ports.get("webhooks")).isEqualTo(config.server().port());
                        }
                        assertThat(list(at(c, "envFrom")).stream().map(e -> at(e, "secretRef", "name")))
                                .as("secrets by reference").containsExactly("forgebus-secrets");
                        assertThat(map(at(c, "resources"))).containsKeys("requests", "limits");
                    }
                }
                case "Service" -> gatewayTarget = (Integer) at(list(at(doc, "spec", "ports")).get(0), "targetPort");
                case "PodDisruptionBudget" -> pdbs++;
                case "Secret" -> throw new AssertionError("a Secret with values is committed under deploy/");
                default -> { }
            }
        }
        assertThat(config.management().samePort()).isFalse();
        assertThat(roles).containsExactlyInAnyOrder("gateway", "dedup", "workers", "scheduler");
        assertThat(gatewayTarget).isEqualTo(config.server().port());
        assertThat(pdbs).isPositive();
    }
}
