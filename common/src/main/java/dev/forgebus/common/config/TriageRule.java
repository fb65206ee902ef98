package dev.forgebus.common.config;

import java.util.List;

/**
 * When a title contains one of {@code keywords} (case-insensitive, whole words), add
 * {@code labels}.
 */
public record TriageRule(List<String> keywords, List<String> labels) {

    public TriageRule {
        keywords = List.copyOf(keywords);
        labels = List.copyOf(labels);
    }
}
