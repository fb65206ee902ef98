package dev.forgebus.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body while counting: the read stops as soon as the limit is passed, so an
 * oversized (or endless, chunked) body never sits whole in memory.
 */
final class BoundedBody {
    /** The body is larger than allowed. */
    static final class TooLargeException extends Exception {
        TooLargeException() {
            super(null, null, false, false);
        }
    }

    private BoundedBody() {
    }

    static byte[] read(InputStream in, long declaredLength, long maxBytes) throws IOException, TooLargeException {
        if (declaredLength > maxBytes) {
            throw new TooLargeException();
        }
        int initial = (int) Math.min(declaredLength > 0 ? declaredLength : 16 * 1024, maxBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(initial, 256));
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBytes) {
                throw new TooLargeException();
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
