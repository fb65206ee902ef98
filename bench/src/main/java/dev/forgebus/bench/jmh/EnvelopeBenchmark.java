package dev.forgebus.bench.jmh;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.event.RouteDecision;

/**
 * {@link EventEnvelope#toJson()} and {@link EventEnvelope#fromJson(byte[])} (the shared
 * {@link Json#MAPPER}) for an envelope carrying a realistic push payload (a {@code commits}
 * array; see {@link Payloads#push}) as a parsed {@link JsonNode}, of 10 KB and 1 MB, with the
 * five route decisions dedup writes for a routed event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EnvelopeBenchmark {

    @Param({"10KB", "1MB"})
    public String size;

    private EventEnvelope envelope;
    private byte[] json;
    private byte[] payloadBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        payloadBytes = Payloads.push(Payloads.parseSize(size));
        JsonNode payload = Json.MAPPER.readTree(payloadBytes);
        envelope = new EventEnvelope("gh", "github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "push", "", "MyOrg", "app",
                "octocat", Instant.parse("2026-03-01T12:00:00.123Z"),
                List.of(new RouteDecision("triage", false, "event not a trigger"),
                        new RouteDecision("release", true, "trigger (push of tag)"),
                        new RouteDecision("auto-merge", false, "module not configured"),
                        new RouteDecision("mirror", true, "trigger (push)"),
                        new RouteDecision("dependency-triggers", false, "module not configured")),
                payload);
        json = envelope.toJson();
        if (!EventEnvelope.fromJson(json).equals(envelope)
                || !EventEnvelope.fromJson(envelope.toJsonWithPayloadBytes(payloadBytes)).equals(envelope)) {
            throw new IllegalStateException("the envelope does not round-trip");
        }
    }

    @Benchmark
    public byte[] toJson() {
        return envelope.toJson();
    }

    /** What dedup does since issue 4: the raw payload bytes spliced in, not the tree re-serialised. */
    @Benchmark
    public byte[] toJsonWithPayloadBytes() {
        return envelope.toJsonWithPayloadBytes(payloadBytes);
    }

    @Benchmark
    public EventEnvelope fromJson() {
        return EventEnvelope.fromJson(json);
    }
}
