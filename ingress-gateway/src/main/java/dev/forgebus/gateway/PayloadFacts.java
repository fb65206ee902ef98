package dev.forgebus.gateway;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The few facts the gateway needs from a payload: who owns the repository and its name. The
 * body is read as a token stream, so a 25 MiB delivery is checked for well-formed JSON without
 * building a tree of it; only the small {@code repository} and {@code organization} objects
 * are materialised.
 */
record PayloadFacts(Optional<String> owner, Optional<String> repo) {

    /** The body is not a JSON object. */
    static final class MalformedPayloadException extends Exception {
        MalformedPayloadException(String message) {
            super(message);
        }
    }

    static PayloadFacts read(byte[] json, ObjectMapper mapper) throws MalformedPayloadException {
        try (JsonParser parser = mapper.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedPayloadException("the body is not a JSON object");
            }
            JsonNode repository = null;
            JsonNode organization = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("repository".equals(field) && value == JsonToken.START_OBJECT) {
                    repository = mapper.readTree(parser);
                } else if ("organization".equals(field) && value == JsonToken.START_OBJECT) {
                    organization = mapper.readTree(parser);
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new MalformedPayloadException("trailing content after the JSON object");
            }
            return fromObjects(repository, organization);
        } catch (IOException e) {
            throw new MalformedPayloadException("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static PayloadFacts fromObjects(JsonNode repository, JsonNode organization) {
        Optional<String> owner = Optional.empty();
        Optional<String> repo = Optional.empty();
        if (repository != null) {
            owner = text(repository.path("owner"), "login").or(() -> text(repository.path("owner"), "username"));
            repo = text(repository, "name");
            if (owner.isEmpty()) {
                owner = text(repository, "full_name").filter(n -> n.contains("/")).map(n -> n.substring(0, n.indexOf('/')));
            }
        }
        if (owner.isEmpty() && organization != null) {
            owner = text(organization, "login").or(() -> text(organization, "username"));
        }
        return new PayloadFacts(owner.filter(PayloadFacts::isSafeName), repo.filter(PayloadFacts::isSafeName));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** Owner and repository names become record keys: keep out separators and control characters. */
    private static boolean isSafeName(String name) {
        return name.length() <= 200 && name.matches("[A-Za-z0-9._-]+");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** A mapper whose limits follow the body limit instead of Jackson's 20 MB string default. */
    static ObjectMapper mapperFor(long maxBodyBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
                        .maxDocumentLength(maxBodyBytes)
                        .build())
                .build();
        return new ObjectMapper(factory);
    }
}
