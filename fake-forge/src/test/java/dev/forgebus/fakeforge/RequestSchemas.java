package dev.forgebus.fakeforge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.forgebus.common.event.Json;

/**
 * The request-body schemas of one forge's write routes, extracted from the forge's own API
 * description (see {@code src/test/resources/schemas/README.md}), and the check of recorded
 * requests against them. Remembers which routes were checked, so a test can prove coverage.
 */
final class RequestSchemas {

    /** One route's schema; {@code path} matches the route's paths. */
    private record Route(String method, String template, Pattern path, Schema schema) {
        String key() {
            return method + " " + template;
        }
    }

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final List<Route> routes;
    private final Set<String> checked = new LinkedHashSet<>();

    private RequestSchemas(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The schemas of {@code schemas/<folder>/} on the test class path. */
    static RequestSchemas load(String folder) {
        List<Route> routes = new ArrayList<>();
        for (JsonNode name : resource("/schemas/" + folder + "/index.json")) {
            JsonNode file = resource("/schemas/" + folder + "/" + name.asText());
            String template = file.path("path").asText();
            Pattern path = Pattern.compile(Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
            routes.add(new Route(file.path("method").asText(), template, path, REGISTRY.getSchema(file.path("schema"))));
        }
        return new RequestSchemas(routes);
    }

    private static JsonNode resource(String name) {
        try (InputStream in = RequestSchemas.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What is wrong with the body of {@code request}: nothing for a request without a body, one
     * line per schema violation, or one line when no schema describes its route.
     *
     * @param prefix the API prefix to strip from the recorded path ({@code /api/v1} on Forgejo)
     */
    synchronized List<String> violations(RecordedRequest request, String prefix) {
        if (!request.isWrite() || request.body().isBlank()) {
            return List.of();
        }
        String path = request.path().startsWith(prefix) ? request.path().substring(prefix.length()) : request.path();
        Optional<Route> route = routes.stream()
                .filter(r -> r.method().equalsIgnoreCase(request.method()) && r.path().matcher(path).matches())
                .findFirst();
        if (route.isEmpty()) {
            return List.of(request.method() + " " + path + ": no schema for this route (add it to schemas/extract.py)");
        }
        checked.add(route.get().key());
        List<String> problems = new ArrayList<>();
        for (Error error : route.get().schema().validate(request.json())) {
            problems.add(route.get().key() + ": " + error.getMessage() + " in " + request.body());
        }
        return problems;
    }

    /** {@code METHOD template} of every route a body was checked against. */
    synchronized Set<String> checkedRoutes() {
        return Set.copyOf(checked);
    }

    /** {@code METHOD template} of every route there is a schema for. */
    Set<String> routes() {
        Set<String> keys = new LinkedHashSet<>();
        routes.forEach(route -> keys.add(route.key()));
        return keys;
    }
}
