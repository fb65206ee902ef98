package dev.forgebus.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Extracts the {@code payload} field of an {@code application/x-www-form-urlencoded} delivery as
 * the exact bytes it encodes. Decoded by hand, byte by byte, because a detour through a Java
 * String could alter bytes that are not valid UTF-8 and the signature covers these bytes.
 */
final class FormPayload {
    private static final byte[] FIELD = "payload=".getBytes(StandardCharsets.US_ASCII);

    private FormPayload() {
    }

    static Optional<byte[]> extract(byte[] body) {
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (startsWith(body, start, end, FIELD)) {
                return decode(body, start + FIELD.length, end);
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    private static Optional<byte[]> decode(byte[] body, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                if (i + 2 >= to) {
                    return Optional.empty();
                }
                int hi = Character.digit(body[i + 1], 16);
                int lo = Character.digit(body[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return Optional.of(out.toByteArray());
    }

    private static int indexOf(byte[] body, byte b, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return body.length;
    }

    private static boolean startsWith(byte[] body, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
