package dev.forgebus.fakeforge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small route table: method and path pattern to a handler, first match wins. Path groups are
 * handed to the handler still percent-encoded; {@link #segment} decodes one.
 */
final class Routes {

    /** Answers one request; {@code path} matched the route's pattern. */
    @FunctionalInterface
    interface Handler {
        Reply handle(RecordedRequest request, Matcher path);
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Routes on(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler));
        return this;
    }

    /** The reply of the first route matching method and path; empty when none does. */
    Optional<Reply> dispatch(RecordedRequest request, String path) {
        for (Route route : routes) {
            if (route.method().equalsIgnoreCase(request.method())) {
                Matcher matcher = route.pattern().matcher(path);
                if (matcher.matches()) {
                    return Optional.of(route.handler().handle(request, matcher));
                }
            }
        }
        return Optional.empty();
    }

    /** Group {@code group} of {@code path}, percent-decoded (a path segment: '+' stays '+'). */
    static String segment(Matcher path, int group) {
        return ForgeApi.decode(path.group(group).replace("+", "%2B"));
    }
}
