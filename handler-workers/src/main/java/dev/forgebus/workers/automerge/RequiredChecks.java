package dev.forgebus.workers.automerge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.forgebus.forge.CheckReport;
import dev.forgebus.forge.CheckResult;

/**
 * Whether every required check is green on a commit: a pure function of the configured names and
 * the checks the forge reports for that commit ({@link dev.forgebus.forge.ForgeClient#checks}, which
 * already keeps the latest commit status of each context and follows every page).
 *
 * <p>Names match exactly (GitHub's branch protection compares contexts exactly, too). A name
 * reported more than once (a check run and a commit status of one name, or two apps' runs) is
 * green only when none of its reports is red or pending: whichever the forge treats as the gate,
 * we never merge past a red one. With no required checks, every reported check must be green (a
 * label must not merge a red pull request); with none reported either, the label alone decides.
 */
final class RequiredChecks {

    private RequiredChecks() {
    }

    /**
     * Where the required checks stand; green when all three lists are empty.
     *
     * @param failing required checks with a red report (failure, error, cancelled, ...)
     * @param pending required checks not finished yet
     * @param missing required checks the commit has no report of
     */
    record Verdict(List<String> failing, List<String> pending, List<String> missing) {
        Verdict {
            failing = List.copyOf(failing);
            pending = List.copyOf(pending);
            missing = List.copyOf(missing);
        }

        boolean green() {
            return failing.isEmpty() && pending.isEmpty() && missing.isEmpty();
        }

        /** Nothing red, something still to come: a later check event re-evaluates. */
        boolean onlyWaiting() {
            return failing.isEmpty() && !green();
        }

        /** "waiting for: test (pending), lint (missing)", or "blocked: test (failing), ..." when one is red. */
        String onTheForge() {
            List<String> parts = new ArrayList<>();
            failing.forEach(name -> parts.add(name + " (failing)"));
            pending.forEach(name -> parts.add(name + " (pending)"));
            missing.forEach(name -> parts.add(name + " (missing)"));
            return (failing.isEmpty() ? "waiting for: " : "blocked: ") + String.join(", ", parts);
        }

        /** "failing: a; pending: b; missing: c", the non-empty parts; "" when green. */
        String why() {
            List<String> parts = new ArrayList<>();
            part(parts, "failing", failing);
            part(parts, "pending", pending);
            part(parts, "missing", missing);
            return String.join("; ", parts);
        }

        private static void part(List<String> parts, String what, List<String> names) {
            if (!names.isEmpty()) {
                parts.add(what + ": " + String.join(", ", names));
            }
        }
    }

    static Verdict evaluate(List<String> required, List<CheckResult> reported) {
        Objects.requireNonNull(required, "required");
        Map<String, CheckResult.State> worst = worstPerName(reported);
        List<String> names = required.isEmpty() ? List.copyOf(worst.keySet()) : List.copyOf(new LinkedHashSet<>(required));
        List<String> failing = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            CheckResult.State state = worst.get(name);
            if (state == null) {
                missing.add(name);
            } else if (state == CheckResult.State.FAILURE) {
                failing.add(name);
            } else if (state == CheckResult.State.PENDING) {
                pending.add(name);
            }
        }
        return new Verdict(failing, pending, missing);
    }

    /** Per name, its worst report: failure over pending over success. */
    private static Map<String, CheckResult.State> worstPerName(List<CheckResult> reported) {
        Map<String, CheckResult.State> worst = new LinkedHashMap<>();
        for (CheckResult check : reported) {
            if (CheckReport.isOwn(check.name())) {
                continue; // Forgebus's own check says what Forgebus waits for: it never gates Forgebus
            }
            worst.merge(check.name(), check.state(), RequiredChecks::worse);
        }
        return worst;
    }

    private static CheckResult.State worse(CheckResult.State a, CheckResult.State b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(CheckResult.State state) {
        return switch (state) {
            case SUCCESS -> 0;
            case PENDING -> 1;
            case FAILURE -> 2;
        };
    }
}
