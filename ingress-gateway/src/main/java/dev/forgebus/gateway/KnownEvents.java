package dev.forgebus.gateway;

import java.util.Set;

/**
 * The event names the forges document, the only ones that become an {@code event} metric tag.
 * A signed sender can put any short token in the event header; as a tag each new one would be a
 * new time series, so anything else is counted as {@code other}. The delivery itself is still
 * accepted and routed by its real name.
 */
final class KnownEvents {
    static final String OTHER = "other";

    /** GitHub's webhook events, then Gitea's and Forgejo's specific {@code X-*-Event-Type} values. */
    private static final Set<String> NAMES = Set.of(
            "branch_protection_configuration", "branch_protection_rule", "check_run", "check_suite", "code_scanning_alert",
            "commit_comment", "create", "custom_property", "custom_property_values", "delete", "dependabot_alert",
            "deploy_key", "deployment", "deployment_protection_rule", "deployment_review", "deployment_status",
            "discussion", "discussion_comment", "fork", "github_app_authorization", "gollum", "installation",
            "installation_repositories", "installation_target", "issue_comment", "issue_dependencies", "issues", "label",
            "marketplace_purchase", "member", "membership", "merge_group", "meta", "milestone", "org_block",
            "organization", "package", "page_build", "personal_access_token_request", "ping", "project", "project_card",
            "project_column", "projects_v2", "projects_v2_item", "projects_v2_status_update", "public", "pull_request",
            "pull_request_review", "pull_request_review_comment", "pull_request_review_thread", "push", "registry_package",
            "release", "repository", "repository_advisory", "repository_dispatch", "repository_import",
            "repository_ruleset", "repository_vulnerability_alert", "secret_scanning_alert",
            "secret_scanning_alert_location", "secret_scanning_scan", "security_advisory", "security_and_analysis",
            "sponsorship", "star", "status", "sub_issues", "team", "team_add", "watch", "workflow_dispatch", "workflow_job",
            "workflow_run",
            // Gitea / Forgejo
            "issue_assign", "issue_label", "issue_milestone", "pull_request_assign",
            "pull_request_label", "pull_request_milestone", "pull_request_comment", "pull_request_review_approved",
            "pull_request_review_rejected", "pull_request_sync",
            "pull_request_review_request", "wiki", "action_run_failure", "action_run_recover", "action_run_success");

    private KnownEvents() {
    }

    static String tagFor(String event) {
        return NAMES.contains(event) ? event : OTHER;
    }
}
