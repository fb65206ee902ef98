package dev.forgebus.workers.notifications;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a channel's receiver answered: its status, the few headers that matter (names lower-case)
 * and the start of its body, at most {@link HttpChannelPoster#MAX_BODY_BYTES}.
 */
record ReceiverAnswer(int status, Map<String, String> headers, byte[] body) {

    ReceiverAnswer {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
