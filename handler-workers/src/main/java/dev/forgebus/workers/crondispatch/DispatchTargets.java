package dev.forgebus.workers.crondispatch;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.CronDispatchJob;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.workers.release.TagPattern;

/**
 * The repositories a job dispatches on, in the fixed order of a sweep: the repositories the config
 * lists under its orgs whose {@code [forge:]Owner/repo} matches one of the job's {@code repos}
 * patterns (fnmatch on owner and name), sorted by forge, owner and name. Listed, not read from the
 * forge's org listing, so the set and order are a function of the config alone and a resumed sweep
 * walks the same list.
 */
final class DispatchTargets {

    private DispatchTargets() {
    }

    static List<RepoRef> of(ForgebusConfig config, CronDispatchJob job) {
        return config.orgs().values().stream()
                .flatMap(org -> org.repositories().values().stream()
                        .map(repo -> new RepoRef(org.forge(), org.name(), repo.name())))
                .filter(ref -> job.repos().stream().anyMatch(pattern -> matches(pattern, ref)))
                .distinct()
                .sorted(ORDER)
                .toList();
    }

    /** The first target after {@code doneThrough} in sweep order ({@code doneThrough} empty: the first). */
    static Optional<RepoRef> after(List<RepoRef> targets, Optional<RepoRef> doneThrough) {
        return targets.stream().filter(t -> doneThrough.isEmpty() || ORDER.compare(t, doneThrough.get()) > 0).findFirst();
    }

    static final Comparator<RepoRef> ORDER = Comparator.comparing(RepoRef::forgeId).thenComparing(RepoRef::owner)
            .thenComparing(RepoRef::repo);

    static boolean matches(String pattern, RepoRef ref) {
        String ownerAndRepo = pattern;
        int colon = pattern.indexOf(':');
        if (colon >= 0) {
            if (!pattern.substring(0, colon).equals(ref.forgeId())) {
                return false;
            }
            ownerAndRepo = pattern.substring(colon + 1);
        }
        int slash = ownerAndRepo.indexOf('/');
        if (slash < 0) {
            return false;
        }
        return TagPattern.of(ownerAndRepo.substring(0, slash)).matches(ref.owner())
                && TagPattern.of(ownerAndRepo.substring(slash + 1)).matches(ref.repo());
    }

}
