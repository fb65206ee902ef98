package dev.forgebus.common.config;

import java.util.List;
import java.util.Objects;

/**
 * Triage and auto-labelling of opened or edited issues and pull requests (SPEC 7.2).
 *
 * @param enabled             false switches the module off for the scope (e.g. one repository)
 * @param addNeedsTriageLabel add {@code needsTriageLabel} when no rule matched, so that
 *                            unclassified items are findable
 * @param needsTriageLabel    that label
 * @param rules               keyword rules, all applied (labels accumulate)
 */
public record TriageSettings(boolean enabled, boolean addNeedsTriageLabel, String needsTriageLabel, List<TriageRule> rules) implements ModuleBlock {

    public static final String DEFAULT_NEEDS_TRIAGE_LABEL = "needs-triage";

    public TriageSettings {
        Objects.requireNonNull(needsTriageLabel, "needsTriageLabel");
        rules = List.copyOf(rules);
    }
}
