package dev.forgebus.gateway;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.event.JsonLimits;
import dev.forgebus.common.event.StrictUtf8;

/**
 * The facts of a delivery that choose its secret, its credential and its record key: the
 * repository owner and name, the action and the sender. They are derived here, ONCE, from the
 * bytes whose signature is checked, written to the raw record's headers, and never derived again
 * downstream (dedup reads the headers): two parsers that disagreed about duplicate keys or
 * fallbacks once let a delivery signed for one org be acted on with another org's token.
 *
 * <p>One rule, strict about types:
 * <ul>
 *   <li>owner: {@code repository.owner.login}, else {@code repository.owner.username} (Gitea);
 *       with no {@code repository}, the org of an org-level event ({@code organization.login},
 *       else {@code .username}); else none. A repository without a readable owner is refused, not
 *       guessed from {@code full_name}.</li>
 *   <li>repo: {@code repository.name}, required when {@code repository} is there.</li>
 *   <li>action and sender ({@code sender.login}, else {@code .username}): optional.</li>
 * </ul>
 * Every fact must pass {@link DeliveryNames}; anything else is refused with its reason. The whole
 * body is checked against {@link JsonLimits} (depth, lengths, duplicate keys) and
 * {@link StrictUtf8}, the limits every later stage reads with, so nothing accepted here is
 * unreadable there. The body is read as a token stream; only the small objects named above are
 * materialised, so a 25 MiB delivery never becomes a tree.
 *
 * @param owner  "" when the payload names none
 * @param repo   "" for org-level events
 * @param action "" when absent (push)
 * @param sender "" when absent
 */
record DeliveryFacts(String owner, String repo, String action, String sender) {

    /** Empty facts, for a body that could not be read. */
    static final DeliveryFacts NONE = new DeliveryFacts("", "", "", "");

    /** What reading a body gave: its facts, or why it is refused. */
    sealed interface Reading {
        record Read(DeliveryFacts facts) implements Reading {
        }

        /** {@code reason} is a rejection reason of the gateway; {@code message} is safe to echo. */
        record Refused(String reason, String message) implements Reading {
        }
    }

    static final String MALFORMED = "malformed_body";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.payloadFactory());

    static JsonFactory factory() {
        return MAPPER.getFactory();
    }

    static Reading read(byte[] json) {
        Optional<String> encoding = StrictUtf8.problem(json);
        if (encoding.isPresent()) {
            return new Reading.Refused(MALFORMED, "not strict UTF-8: " + encoding.get());
        }
        JsonNode repository = null;
        JsonNode organization = null;
        JsonNode sender = null;
        JsonNode action = null;
        try (JsonParser parser = MAPPER.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Reading.Refused(MALFORMED, "the body is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "repository" -> repository = small(parser, value);
                    case "organization" -> organization = small(parser, value);
                    case "sender" -> sender = small(parser, value);
                    case "action" -> action = small(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return new Reading.Refused(MALFORMED, "trailing content after the JSON object");
            }
        } catch (StreamConstraintsException e) {
            return new Reading.Refused(MALFORMED, "over a limit: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return new Reading.Refused(MALFORMED, "malformed JSON: " + firstLine(e.getMessage()));
        }
        return facts(repository, organization, action, sender);
    }

    /** The value as a tree: these four fields are small on every forge. */
    private static JsonNode small(JsonParser parser, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NULL ? null : MAPPER.readTree(parser);
    }

    private static Reading facts(JsonNode repository, JsonNode organization, JsonNode actionNode, JsonNode senderNode) {
        String owner = "";
        String repo = "";
        if (repository != null) {
            if (!repository.isObject()) {
                return refused("invalid_repository", "repository is not an object");
            }
            Optional<String> login = login(repository.get("owner"));
            if (login.isEmpty()) {
                return refused("invalid_owner", "repository.owner has no login or username");
            }
            owner = login.get();
            JsonNode name = repository.get("name");
            if (name == null || !name.isTextual()) {
                return refused("invalid_repository", "repository.name is missing or not a string");
            }
            repo = name.textValue();
        } else if (organization != null) {
            owner = login(organization).orElse("");
            if (owner.isEmpty()) {
                return refused("invalid_owner", "organization has no login or username");
            }
        }
        if (!owner.isEmpty() && !DeliveryNames.isOwner(owner)) {
            return refused("invalid_owner", "the owner is not a valid owner name (ASCII letters, digits, '.', '_', '-'; 100 at most)");
        }
        if (repository != null && !DeliveryNames.isRepo(repo)) {
            return refused("invalid_repository", "repository.name is not a valid repository name (ASCII letters, digits, '.', '_', '-'; 100 at most)");
        }
        String action = "";
        if (actionNode != null) {
            if (!actionNode.isTextual() || !DeliveryNames.isToken(actionNode.textValue())) {
                return refused("invalid_action", "action is not a short lowercase name (64 characters at most)");
            }
            action = actionNode.textValue();
        }
        String sender = "";
        if (senderNode != null) {
            sender = login(senderNode).orElse("");
            if (!sender.isEmpty() && !DeliveryNames.isSender(sender)) {
                return refused("invalid_sender", "sender.login is not a valid login");
            }
        }
        return new Reading.Read(new DeliveryFacts(owner, repo, action, sender));
    }

    /** {@code login}, else {@code username} (some Gitea payloads), when the node is a user object. */
    private static Optional<String> login(JsonNode user) {
        if (user == null || !user.isObject()) {
            return Optional.empty();
        }
        JsonNode login = user.get("login");
        if (login != null && login.isTextual() && !login.textValue().isEmpty()) {
            return Optional.of(login.textValue());
        }
        JsonNode username = user.get("username");
        return username != null && username.isTextual() && !username.textValue().isEmpty()
                ? Optional.of(username.textValue()) : Optional.empty();
    }

    private static Reading refused(String reason, String message) {
        return new Reading.Refused(reason, message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
