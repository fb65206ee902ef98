package dev.forgebus.gateway;

import java.util.List;

import dev.forgebus.common.config.ForgeType;

/**
 * How one forge type names its delivery headers, in order of preference (facts from
 * {@code corpus/README.md} and SPEC 4). Gitea and Forgejo send several families at once and
 * leave some of them empty, so the first NON-EMPTY header of each list wins.
 *
 * @param signatureHeaders       signature headers, most specific first
 * @param deliveryIdHeaders      delivery id headers, most specific first
 * @param eventHeaders           event type headers, most specific first (Gitea's
 *                               {@code X-Gitea-Event} is empty for some events, its
 *                               {@code -Event-Type} is the precise one)
 * @param signsFormPayloadOnly   Gitea and Forgejo sign the JSON in the {@code payload} field
 *                               of a form-encoded delivery; GitHub signs the body as sent
 */
record ForgeDialect(List<SignatureHeader> signatureHeaders,
                    List<String> deliveryIdHeaders,
                    List<String> eventHeaders,
                    boolean signsFormPayloadOnly) {

    static ForgeDialect of(ForgeType type) {
        return switch (type) {
            case GITHUB -> new ForgeDialect(
                    List.of(SignatureHeader.prefixedSha256("X-Hub-Signature-256"),
                            // Legacy SHA-1 header, only consulted when GitHub sent no SHA-256 one
                            // (very old GHES): HMAC-SHA1 is still a sound MAC.
                            SignatureHeader.prefixedSha1("X-Hub-Signature")),
                    List.of("X-GitHub-Delivery"),
                    List.of("X-GitHub-Event"),
                    false);
            case FORGEJO -> new ForgeDialect(
                    List.of(SignatureHeader.bareSha256("X-Forgejo-Signature"),
                            SignatureHeader.bareSha256("X-Gitea-Signature"),
                            SignatureHeader.prefixedSha256("X-Hub-Signature-256"),
                            SignatureHeader.bareSha256("X-Gogs-Signature")),
                    List.of("X-Forgejo-Delivery", "X-Gitea-Delivery", "X-Gogs-Delivery", "X-GitHub-Delivery"),
                    List.of("X-Forgejo-Event-Type", "X-Forgejo-Event", "X-Gitea-Event-Type", "X-Gitea-Event",
                            "X-Gogs-Event-Type", "X-Gogs-Event", "X-GitHub-Event-Type", "X-GitHub-Event"),
                    true);
            case GITEA -> new ForgeDialect(
                    List.of(SignatureHeader.bareSha256("X-Gitea-Signature"),
                            SignatureHeader.prefixedSha256("X-Hub-Signature-256"),
                            SignatureHeader.bareSha256("X-Gogs-Signature")),
                    List.of("X-Gitea-Delivery", "X-Gogs-Delivery", "X-GitHub-Delivery"),
                    List.of("X-Gitea-Event-Type", "X-Gitea-Event", "X-Gogs-Event-Type", "X-Gogs-Event",
                            "X-GitHub-Event-Type", "X-GitHub-Event"),
                    true);
        };
    }
}
