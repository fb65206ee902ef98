package dev.forgebus.app.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.forgebus.common.event.Json;
import io.javalin.http.Context;

/**
 * Reads an admin request's body: at most {@link #MAX_BYTES} (413 beyond, without reading the
 * rest), strict UTF-8, exactly one JSON object with no duplicate keys. Admin bodies are a few
 * hundred bytes; the cap keeps a hostile client from making the process buffer megabytes.
 */
final class AdminBody {
    static final int MAX_BYTES = 64 * 1024;

    private static final ObjectReader STRICT = Json.STRICT_READER
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .without(JsonParser.Feature.ALLOW_COMMENTS);

    private AdminBody() {
    }

    /** The body as a JSON object. */
    static JsonNode object(Context ctx, String expected) {
        String text = utf8(bounded(ctx));
        JsonNode body;
        try {
            body = STRICT.readTree(text);
        } catch (IOException e) {
            throw AdminRejection.badRequest("body is not valid JSON: expected " + expected);
        }
        if (body == null || body.isMissingNode() || !body.isObject()) {
            throw AdminRejection.badRequest("body must be a JSON object: " + expected);
        }
        return body;
    }

    /** For routes that take no input: the body must be empty or exactly {@code {}}. */
    static void emptyOrEmptyObject(Context ctx) {
        byte[] bytes = bounded(ctx);
        if (bytes.length == 0) {
            return;
        }
        JsonNode body;
        try {
            body = STRICT.readTree(utf8(bytes));
        } catch (IOException e) {
            throw AdminRejection.badRequest("body is not valid JSON: this route takes no body, or {}");
        }
        if (body == null || !body.isObject() || !body.isEmpty()) {
            throw AdminRejection.badRequest("this route takes no body, or {}");
        }
    }

    private static byte[] bounded(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw AdminRejection.badRequest("the request body could not be read");
        }
    }

    private static AdminRejection tooLarge() {
        return AdminRejection.tooLarge("admin request bodies are at most " + MAX_BYTES + " bytes");
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw AdminRejection.badRequest("body must be UTF-8");
        }
    }
}
