package dev.forgebus.workers.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.TriageRule;

/** SPEC 7.2's keyword matching: case-insensitive, whole words. */
class TitleRulesTest {

    private static TitleRules rules(TriageRule... rules) {
        return TitleRules.of(List.of(rules));
    }

    private static TriageRule rule(List<String> keywords, String... labels) {
        return new TriageRule(keywords, List.of(labels));
    }

    @Test
    void a_keyword_hits_as_a_whole_word_in_any_case() {
        TitleRules rules = rules(rule(List.of("error"), "bug"));

        assertThat(rules.labelsFor("Error on start")).containsExactly("bug");
        assertThat(rules.labelsFor("Start fails with ERROR")).containsExactly("bug");
        assertThat(rules.labelsFor("terrorist attack on the build")).isEmpty();
        assertThat(rules.labelsFor("errors everywhere")).isEmpty();
        assertThat(rules.labelsFor("error_code is wrong")).isEmpty();
        assertThat(rules.labelsFor("error2 in log")).isEmpty();
    }

    @Test
    void punctuation_around_a_keyword_is_a_boundary() {
        TitleRules rules = rules(rule(List.of("crash"), "bug"));

        assertThat(rules.labelsFor("App crash, again")).containsExactly("bug");
        assertThat(rules.labelsFor("(crash) on start")).containsExactly("bug");
        assertThat(rules.labelsFor("crash!")).containsExactly("bug");
        assertThat(rules.labelsFor("\"crash\"")).containsExactly("bug");
        assertThat(rules.labelsFor("app/crash")).containsExactly("bug");
        assertThat(rules.labelsFor("crash-report tool")).containsExactly("bug");
    }

    @Test
    void keywords_may_hold_spaces_dashes_and_symbols() {
        TitleRules rules = rules(
                rule(List.of("out of memory"), "memory"),
                rule(List.of("auto-merge"), "merge"),
                rule(List.of("c++"), "cpp"),
                rule(List.of("a.b"), "dots"));

        assertThat(rules.labelsFor("Out  of\tmemory when building")).containsExactly("memory");
        assertThat(rules.labelsFor("auto-merge skips drafts")).containsExactly("merge");
        assertThat(rules.labelsFor("auto merge skips drafts")).isEmpty();
        assertThat(rules.labelsFor("Fix C++ build")).containsExactly("cpp");
        assertThat(rules.labelsFor("a.b is fine, axb is not a regex")).containsExactly("dots");
        assertThat(rules.labelsFor("axb only")).isEmpty();
    }

    @Test
    void unicode_letters_are_word_characters_and_case_folds() {
        TitleRules rules = rules(rule(List.of("échec"), "bug"), rule(List.of("fehler"), "bug-de"));

        assertThat(rules.labelsFor("ÉCHEC au démarrage")).containsExactly("bug");
        assertThat(rules.labelsFor("Fehler beim Start")).containsExactly("bug-de");
        assertThat(rules.labelsFor("Startfehler")).isEmpty();
        assertThat(rules.labelsFor("échecs")).isEmpty();
    }

    @Test
    void composed_and_decomposed_accents_are_the_same() {
        TitleRules composed = rules(rule(List.of("caf\u00e9"), "coffee"));
        TitleRules plain = rules(rule(List.of("cafe"), "plain"));

        assertThat(composed.labelsFor("Cafe\u0301 closed")).containsExactly("coffee");
        assertThat(plain.labelsFor("Cafe\u0301 closed")).isEmpty();
    }

    @Test
    void every_rule_that_hits_adds_its_labels_once_in_rule_order() {
        TitleRules rules = rules(
                rule(List.of("crash", "error"), "bug", "priority"),
                rule(List.of("docs"), "documentation"),
                rule(List.of("error"), "bug"));

        assertThat(rules.labelsFor("docs build: error")).containsExactly("bug", "priority", "documentation");
        assertThat(rules.hits("docs build: error")).hasSize(3);
        assertThat(rules.labelsFor("Nothing to see")).isEmpty();
    }

    @Test
    void blank_keywords_never_hit() {
        TitleRules rules = rules(rule(List.of(" "), "never"));

        assertThat(rules.hits("anything at all")).isEmpty();
        assertThat(rules.hits("")).isEmpty();
    }
}
