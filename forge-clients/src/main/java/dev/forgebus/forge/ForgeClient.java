package dev.forgebus.forge;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.forgebus.common.config.HookRef;
import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.common.config.RepoRef;

/**
 * The forge API calls modules make, one implementation per forge type (GitHub, Forgejo,
 * Gitea). Forge differences (Forgejo's merge body {@code Do}, its missing {@code state_reason}
 * and {@code repository_dispatch}, label ids instead of names) stay inside the implementations:
 * a module reads like its SPEC paragraph whichever forge it talks to.
 *
 * <p>Every call passes the {@link CallGate} of its credential. Failures throw
 * {@link ForgeCallException} with their kind (transient, rate-limited with the time to wait,
 * permanent with the forge's message, never the token). "Not found" is not a failure where a
 * module asks whether something exists: those calls answer {@link Optional#empty()}.
 * Lists are complete: implementations follow every page (bounded, so a misbehaving server
 * cannot keep a worker paging forever).
 */
public interface ForgeClient {

    // ---- labels ----

    /** Names of the labels on issue or pull request {@code number}. */
    List<String> labels(RepoRef repo, long number) throws ForgeCallException, InterruptedException;

    /**
     * Adds labels to issue or pull request {@code number}, creating labels the repository does
     * not have yet (Forgejo and Gitea address labels by id).
     */
    void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException;

    /** Removes one label from issue or pull request {@code number}; a label that is not there is no failure. */
    void removeLabel(RepoRef repo, long number, String label) throws ForgeCallException, InterruptedException;

    // ---- issues and comments ----

    /** Every open issue and pull request of the repository (pull requests have {@link ForgeIssue#pullRequest()}). */
    List<ForgeIssue> openIssues(RepoRef repo) throws ForgeCallException, InterruptedException;

    /**
     * One page ({@code page} from 1) of the open issues and pull requests, in an order that a write to
     * an item can only move it towards page 1, never past the cursor: GitHub {@code sort=updated} newest
     * first (a labelled or commented item jumps to the front), Forgejo/Gitea their default order, which
     * updates do not change. So a sweep that walks pages forward and writes sees every item at least
     * once (an item pushed down by others' activity may be seen twice).
     */
    IssuePage openIssuesPage(RepoRef repo, int page) throws ForgeCallException, InterruptedException;

    /**
     * Every repository of org {@code owner} as the forge lists it, archived and forks included, at
     * most {@link OrgRepository#MAX_LISTED} (more is a permanent failure, not a silent cut).
     */
    List<OrgRepository> orgRepositories(String owner) throws ForgeCallException, InterruptedException;

    /** One issue or pull request, empty when it does not exist. */
    Optional<ForgeIssue> issue(RepoRef repo, long number) throws ForgeCallException, InterruptedException;

    /** Opens an issue; answers it as created. */
    ForgeIssue createIssue(RepoRef repo, String title, String body, List<String> labels)
            throws ForgeCallException, InterruptedException;

    /** Comments on issue or pull request {@code number}. */
    void comment(RepoRef repo, long number, String body) throws ForgeCallException, InterruptedException;

    /** Comments on an issue or pull request, newest last. */
    List<ForgeComment> comments(RepoRef repo, long number) throws ForgeCallException, InterruptedException;

    /** Closes an issue; {@code reason} is sent where the forge has {@code state_reason} (GitHub). */
    void closeIssue(RepoRef repo, long number, CloseReason reason) throws ForgeCallException, InterruptedException;

    // ---- contents ----

    /** A file's bytes at {@code ref} (empty ref: the default branch); empty when the file or ref does not exist. */
    Optional<FileContent> fileContent(RepoRef repo, String path, Optional<String> ref)
            throws ForgeCallException, InterruptedException;

    /**
     * Names of the files (not folders) directly in folder {@code path} at {@code ref} (empty ref: the
     * default branch), as the contents API lists them; empty when the folder or ref does not exist.
     */
    List<String> folderFiles(RepoRef repo, String path, Optional<String> ref)
            throws ForgeCallException, InterruptedException;

    // ---- releases ----

    /** The release of {@code tag}, drafts included where the forge shows them; empty when there is none. */
    Optional<ForgeRelease> releaseByTag(RepoRef repo, String tag) throws ForgeCallException, InterruptedException;

    /** Creates a release (and its tag at {@code draft.targetCommitish()} when the tag does not exist yet). */
    ForgeRelease createRelease(RepoRef repo, ReleaseDraft draft) throws ForgeCallException, InterruptedException;

    /** Updates the release with id {@code releaseId} to {@code draft}'s name, body, draft and prerelease flags. */
    ForgeRelease updateRelease(RepoRef repo, long releaseId, ReleaseDraft draft)
            throws ForgeCallException, InterruptedException;

    // ---- pull requests ----

    /** One pull request, empty when it does not exist. */
    Optional<ForgePullRequest> pullRequest(RepoRef repo, long number) throws ForgeCallException, InterruptedException;

    /**
     * Every open pull request of the repository, drafts included: how a check or status event,
     * which names a commit and not a pull request, finds the pull requests whose head it is.
     */
    List<ForgePullRequest> openPullRequests(RepoRef repo) throws ForgeCallException, InterruptedException;

    /**
     * Merges a pull request with {@code method}, only if its head is still {@code expectedHeadSha}.
     * A pull request that cannot be merged, or whose head moved, is an outcome, not a failure.
     */
    MergeOutcome merge(RepoRef repo, long number, MergeMethod method, String expectedHeadSha)
            throws ForgeCallException, InterruptedException;

    // ---- checks ----

    /**
     * The checks of a commit: GitHub check runs and commit statuses (the latest of each context),
     * Forgejo/Gitea commit statuses (their Actions report as statuses).
     */
    List<CheckResult> checks(RepoRef repo, String sha) throws ForgeCallException, InterruptedException;

    /**
     * Creates or updates Forgebus's own check {@code report.name()} on commit {@code sha}: never
     * more than one per name and commit. GitHub: the check run of that name on the commit is looked
     * up ({@code GET .../commits/{sha}/check-runs?check_name=}) and PATCHed, else created; a token
     * that may not write check runs (only GitHub Apps may: 403) gets a commit status of that context
     * instead. Forgejo/Gitea: a commit status of that context, which the forge replaces per context.
     */
    void reportCheck(RepoRef repo, String sha, CheckReport report) throws ForgeCallException, InterruptedException;

    // ---- branches and tags ----

    /** Every branch name and its head commit SHA. */
    Map<String, String> branchHeads(RepoRef repo) throws ForgeCallException, InterruptedException;

    /** Every tag name and the commit SHA it points to (annotated tags peeled). */
    Map<String, String> tagHeads(RepoRef repo) throws ForgeCallException, InterruptedException;

    /** Deletes a branch; a branch that is already gone is no failure. */
    void deleteBranch(RepoRef repo, String branch) throws ForgeCallException, InterruptedException;

    // ---- dispatch and workflows ----

    /**
     * Tells a downstream repository that something happened upstream. GitHub: a
     * {@code repository_dispatch} with {@code eventType} and {@code clientPayload}. Forgejo and
     * Gitea have no repository dispatch: the workflow file {@code <eventType>.yml} is dispatched
     * on the default branch, with the payload's entries as string inputs.
     */
    void dispatchEvent(RepoRef repo, String eventType, Map<String, Object> clientPayload)
            throws ForgeCallException, InterruptedException;

    /** The repository's default branch ({@code GET /repos/{owner}/{repo}}, {@code default_branch}). */
    String defaultBranch(RepoRef repo) throws ForgeCallException, InterruptedException;

    /** Dispatches workflow file {@code workflow} (e.g. {@code codeql.yml}) on {@code ref} with string inputs. */
    void dispatchWorkflow(RepoRef repo, String workflow, String ref, Map<String, String> inputs)
            throws ForgeCallException, InterruptedException;

    /** The newest run of workflow file {@code workflow} created at or after {@code createdSince}, if any. */
    Optional<WorkflowRun> latestWorkflowRun(RepoRef repo, String workflow, Instant createdSince)
            throws ForgeCallException, InterruptedException;

    // ---- mirrors ----

    /** Asks a pull mirror to sync now; {@link MirrorSync#UNSUPPORTED} on GitHub, which has no mirrors. */
    MirrorSync syncMirror(RepoRef repo) throws ForgeCallException, InterruptedException;

    // ---- webhook deliveries (GitHub) ----

    /**
     * Deliveries of a hook, newest first, back to {@code since} (GitHub keeps 3 days).
     * Forgejo and Gitea answer an empty list: they retry failed deliveries themselves.
     */
    List<HookDelivery> hookDeliveries(HookRef hook, Instant since) throws ForgeCallException, InterruptedException;

    /** Asks the forge to deliver delivery {@code deliveryId} of {@code hook} again. */
    void redeliver(HookRef hook, long deliveryId) throws ForgeCallException, InterruptedException;
}
