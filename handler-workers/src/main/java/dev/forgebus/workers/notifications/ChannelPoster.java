package dev.forgebus.workers.notifications;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/** Posts one JSON body to a channel's receiver. */
interface ChannelPoster {

    /**
     * @throws IOException when no answer came (connection refused, timeout, reset); its message may
     *                     hold the URL, so callers scrub it before it goes anywhere
     */
    ReceiverAnswer post(URI url, Map<String, String> headers, byte[] body) throws IOException, InterruptedException;
}
