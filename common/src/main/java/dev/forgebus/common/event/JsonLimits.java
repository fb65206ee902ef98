package dev.forgebus.common.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The one set of limits for webhook JSON, shared by every reader of it: the gateway (which refuses
 * a body outside them with 400), dedup-streams (which reads the same bytes from the raw topic) and
 * every reader of an envelope (which holds the payload one level deeper). A body the gateway accepts
 * is therefore one that every later stage can read; before these were shared, a payload at the
 * gateway's depth limit was accepted and then failed as an envelope, one level deeper, downstream.
 *
 * <ul>
 *   <li>Depth: {@value #MAX_PAYLOAD_DEPTH} levels of objects and arrays in a payload (real
 *       webhooks use about 8), {@value #MAX_ENVELOPE_DEPTH} in an envelope, whose own object is the
 *       extra level.</li>
 *   <li>Strings: {@value #MAX_STRING_CHARS} characters (GitHub's 25 MiB body cap), names
 *       {@value #MAX_NAME_CHARS}, numbers {@value #MAX_NUMBER_CHARS} digits.</li>
 *   <li>Duplicate keys in an object are refused: readers that keep the first and readers that keep
 *       the last would otherwise see two different deliveries in one body.</li>
 *   <li>Text is strict UTF-8 and strings hold no lone surrogates ({@link StrictUtf8}).</li>
 * </ul>
 */
public final class JsonLimits {
    public static final int MAX_PAYLOAD_DEPTH = 64;
    public static final int MAX_ENVELOPE_DEPTH = MAX_PAYLOAD_DEPTH + 1;
    public static final int MAX_STRING_CHARS = 26_214_400;
    public static final int MAX_NAME_CHARS = 1_024;
    public static final int MAX_NUMBER_CHARS = 200;

    private JsonLimits() {
    }

    /** The factory for webhook payloads (gateway, dedup). */
    public static JsonFactory payloadFactory() {
        return factory(MAX_PAYLOAD_DEPTH);
    }

    /** The factory for Forgebus' own records, whose envelopes carry a payload one level down. */
    public static JsonFactory recordFactory() {
        return factory(MAX_ENVELOPE_DEPTH);
    }

    private static JsonFactory factory(int depth) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(depth)
                        .maxStringLength(MAX_STRING_CHARS)
                        .maxNameLength(MAX_NAME_CHARS)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }
}
