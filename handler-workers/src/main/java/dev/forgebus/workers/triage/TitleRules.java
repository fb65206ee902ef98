package dev.forgebus.workers.triage;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.forgebus.common.config.TriageRule;

/**
 * Triage's keyword rules (SPEC 7.2), compiled: a rule hits when ANY of its keywords appears in
 * the title as a whole word, ignoring case. "Whole word" means no letter, combining mark, digit
 * or underscore right before or after it, so {@code error} hits "Error on start" and "(error)"
 * but not "terrorist" or "errors"; keywords may hold spaces (matched by any run of whitespace),
 * dashes and other punctuation. Titles and keywords are compared in Unicode NFC, so an accented
 * letter typed as one code point or as letter plus accent is the same.
 */
public final class TitleRules {

    /** Characters that continue a word: a keyword must not be glued to one of them. */
    private static final String WORD_CHAR = "[\\p{L}\\p{M}\\p{N}_]";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private record CompiledRule(TriageRule rule, Optional<Pattern> anyKeyword) {
        boolean hits(String normalizedTitle) {
            return anyKeyword.map(p -> p.matcher(normalizedTitle).find()).orElse(false);
        }
    }

    private final List<CompiledRule> rules;

    private TitleRules(List<CompiledRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static TitleRules of(List<TriageRule> rules) {
        List<CompiledRule> compiled = new ArrayList<>();
        for (TriageRule rule : rules) {
            compiled.add(new CompiledRule(rule, anyKeywordPattern(rule.keywords())));
        }
        return new TitleRules(compiled);
    }

    /** The rules that hit {@code title}, in configuration order. */
    public List<TriageRule> hits(String title) {
        String normalized = normalize(title);
        return rules.stream().filter(r -> r.hits(normalized)).map(CompiledRule::rule).toList();
    }

    /** The labels of every rule that hits, in configuration order, each once. */
    public List<String> labelsFor(String title) {
        Set<String> labels = new LinkedHashSet<>();
        hits(title).forEach(rule -> labels.addAll(rule.labels()));
        return List.copyOf(labels);
    }

    /** One pattern per rule: the alternatives of its keywords between word boundaries; empty when it has none. */
    private static Optional<Pattern> anyKeywordPattern(List<String> keywords) {
        List<String> alternatives = keywords.stream()
                .map(TitleRules::normalize)
                .map(String::strip)
                .filter(k -> !k.isEmpty())
                .map(TitleRules::quoted)
                .toList();
        if (alternatives.isEmpty()) {
            return Optional.empty();
        }
        String regex = "(?<!" + WORD_CHAR + ")(?:" + String.join("|", alternatives) + ")(?!" + WORD_CHAR + ")";
        return Optional.of(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    /** The keyword literally, except that each run of whitespace in it matches any run of whitespace. */
    private static String quoted(String keyword) {
        return WHITESPACE.splitAsStream(keyword).map(Pattern::quote).collect(Collectors.joining("\\s+"));
    }

    private static String normalize(String text) {
        return Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFC);
    }
}
