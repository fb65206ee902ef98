package dev.forgebus.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgebus.common.event.JsonLimits;
import dev.forgebus.common.event.StrictUtf8;

/**
 * What the ingress gateway does to every delivery's body before it is written to Kafka, per
 * payload size (1 KB to GitHub's 25 MB cap).
 *
 * <p><b>Reproduced, not called.</b> {@code dev.forgebus.gateway.SignatureVerifier} and
 * {@code dev.forgebus.gateway.DeliveryFacts} are package-private, and this module may not put
 * classes into the gateway's package. The two benchmarks therefore repeat their exact operations:
 * <ul>
 *   <li>{@link #verifyHmacSha256}: as {@code SignatureVerifier.verifyOne/hmac} for GitHub's
 *       {@code X-Hub-Signature-256: sha256=<hex>} with one secret: strip the prefix, lower-case,
 *       {@link HexFormat#parseHex}, then {@code Mac.getInstance("HmacSHA256")} + {@code init} per
 *       call (the gateway does not cache the {@code Mac}), {@code doFinal(body)}, and
 *       {@link MessageDigest#isEqual}.</li>
 *   <li>{@link #scanPayload}: as {@code DeliveryFacts.read}: the {@code StrictUtf8} pass, then a
 *       Jackson token stream over the body with {@code JsonLimits.payloadFactory()} (duplicate
 *       detection on), {@code readTree} of the small {@code repository}, {@code organization},
 *       {@code sender} and {@code action} values and {@code skipChildren()} over everything
 *       else, then the trailing-content check (the name checks on the facts are left out).</li>
 * </ul>
 * If either gateway class changes, update this copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SignatureBenchmark {

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";
    private static final HexFormat HEX = HexFormat.of();
    private static final long MAX_BODY_BYTES = 26_214_400L;

    @Param({"1KB", "10KB", "100KB", "1MB", "25MB"})
    public String size;

    private byte[] body;
    private String secret;
    private String headerValue;
    private ObjectMapper mapper;
    private JsonNode bhSink;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        body = Payloads.push(Payloads.parseSize(size));
        if (body.length != Payloads.parseSize(size)) {
            throw new IllegalStateException("payload of " + body.length + " bytes for " + size);
        }
        secret = "change-me-github-secret";
        headerValue = PREFIX + HEX.formatHex(hmac(secret, body));
        mapper = new ObjectMapper(JsonLimits.payloadFactory());
        if (!verify(headerValue, body)) {
            throw new IllegalStateException("the benchmark's own signature does not verify");
        }
        if (scan(body) == null) {
            throw new IllegalStateException("the payload has no repository object");
        }
    }

    @Benchmark
    public boolean verifyHmacSha256() {
        return verify(headerValue, body);
    }

    @Benchmark
    public void scanPayload(Blackhole bh) throws IOException {
        bh.consume(scan(body));
    }

    /** The strict UTF-8 and lone-surrogate pass alone (part of {@link #scanPayload}). */
    @Benchmark
    public boolean strictUtf8() {
        return StrictUtf8.problem(body).isEmpty();
    }

    private boolean verify(String value, byte[] signedBytes) {
        String trimmed = value.trim();
        if (!trimmed.startsWith(PREFIX)) {
            return false;
        }
        byte[] presented = HEX.parseHex(trimmed.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
        boolean matched = false;
        matched |= MessageDigest.isEqual(hmac(secret, signedBytes), presented);
        return matched;
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the repository node (or null), after checking the whole body is one JSON object. */
    private JsonNode scan(byte[] json) throws IOException {
        if (StrictUtf8.problem(json).isPresent()) {
            throw new IOException("not strict UTF-8");
        }
        try (JsonParser parser = mapper.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
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
                } else if (("sender".equals(field) || "action".equals(field)) && value != JsonToken.VALUE_NULL) {
                    bhSink = mapper.readTree(parser);
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IOException("trailing content");
            }
            return repository != null ? repository : organization;
        }
    }
}
