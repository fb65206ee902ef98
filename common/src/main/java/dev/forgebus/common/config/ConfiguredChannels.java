package dev.forgebus.common.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The notification channels the main config configures for one repository, by name: what a
 * {@code .ops.yaml} may send notifications to. Its writers choose among them and never write a
 * URL, since a URL of theirs would make Forgebus post wherever they like (an internal address,
 * a cloud metadata service) and a channel URL is a credential they must not read.
 */
final class ConfiguredChannels {

    private final String owner;
    private final Map<String, NotificationChannel> byName;

    private ConfiguredChannels(String owner, Map<String, NotificationChannel> byName) {
        this.owner = owner;
        this.byName = byName;
    }

    /** The org's channels and the repository's own, the repository's winning on a shared name. */
    static ConfiguredChannels of(RepositorySettings base) {
        Map<String, NotificationChannel> byName = new LinkedHashMap<>();
        OrgConfig org = base.org().orElseThrow();
        org.defaults().get(StandardModules.NOTIFICATIONS).ifPresent(n -> n.channels().forEach(c -> byName.put(c.name(), c)));
        base.notifications().ifPresent(n -> n.channels().forEach(c -> byName.put(c.name(), c)));
        return new ConfiguredChannels(org.name(), byName);
    }

    /** The channel {@code item} names; empty after reporting when it names none or is not a name. */
    Optional<NotificationChannel> named(Node item, String path, NodeReader reader) {
        if (!(item instanceof ScalarNode) || NodeReader.isNull(item)) {
            reader.problem(item, path, "a " + OpsFile.PATH + " names channels configured in the main config"
                    + configured() + "; it cannot set a channel's type or url");
            return Optional.empty();
        }
        return reader.text(item, path).flatMap(text -> {
            NotificationChannel channel = byName.get(text.value().strip());
            if (channel == null) {
                reader.problem(item, path, "no channel " + text.shown() + " is configured for " + owner + configured()
                        + "; channels are added in the main config");
            }
            return Optional.ofNullable(channel);
        });
    }

    private String configured() {
        return byName.isEmpty() ? " (none is configured for " + owner + ")"
                : " (configured for " + owner + ": " + String.join(", ", byName.keySet()) + ")";
    }
}
