package dev.forgebus.common.event;

import java.util.Optional;

/**
 * Checks that JSON bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF) and that no {@code \\uXXXX} escape leaves a lone surrogate.
 * Jackson accepts an escaped lone surrogate and hands Java a string that cannot be encoded back
 * to UTF-8: Kafka headers, envelopes and forge requests would then carry '?' instead, so two
 * stages would see two different values. One pass over the bytes, nearly free for ASCII.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    /** Empty when the bytes are clean, else what is wrong and where. */
    public static Optional<String> problem(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            // Eight plain ASCII bytes at a time (no high bit, no backslash): most of a webhook.
            if (i + 8 <= n && isPlainAscii((long) LONGS.get(b, i))) {
                i += 8;
                continue;
            }
            int c = b[i];
            if (c >= 0) {
                if (c == '\\') {
                    int next = escapeEnd(b, i);
                    if (next < 0) {
                        return Optional.of("lone surrogate escape at byte " + i);
                    }
                    i = next;
                } else {
                    i++;
                }
                continue;
            }
            int len = sequenceLength(b, i);
            if (len < 0) {
                return Optional.of("invalid UTF-8 at byte " + i);
            }
            i += len;
        }
        return Optional.empty();
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    /** No byte with its high bit set and no '\\' among the eight (the classic zero-byte test on word ^ '\\'). */
    private static boolean isPlainAscii(long word) {
        long x = word ^ BACKSLASHES;
        boolean hasBackslash = ((x - ONES) & ~x & HIGH_BITS) != 0;
        return (word & HIGH_BITS) == 0 && !hasBackslash;
    }

    /**
     * Where the escape starting at {@code i} ends; -1 for a surrogate escape without its partner.
     * Malformed escapes are left to the JSON parser, which reports them.
     */
    private static int escapeEnd(byte[] b, int i) {
        if (i + 1 >= b.length || b[i + 1] != 'u') {
            return i + 2;
        }
        int unit = hex4(b, i + 2);
        if (unit < 0) {
            return i + 2;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            return -1; // a low surrogate with no high one before it
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            int low = i + 6 + 1 < b.length && b[i + 6] == '\\' && b[i + 7] == 'u' ? hex4(b, i + 8) : -1;
            return low >= 0xDC00 && low <= 0xDFFF ? i + 12 : -1;
        }
        return i + 6;
    }

    private static int hex4(byte[] b, int at) {
        if (at + 4 > b.length) {
            return -1;
        }
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** Length of the valid multi-byte sequence at {@code i}, or -1. */
    private static int sequenceLength(byte[] b, int i) {
        int b0 = b[i] & 0xFF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return continuation(b, i + 1, 0x80, 0xBF) ? 2 : -1;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            int lo = b0 == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
            int hi = b0 == 0xED ? 0x9F : 0xBF;   // no UTF-16 surrogates (U+D800..U+DFFF)
            return continuation(b, i + 1, lo, hi) && continuation(b, i + 2, 0x80, 0xBF) ? 3 : -1;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            int lo = b0 == 0xF0 ? 0x90 : 0x80;   // no overlong forms
            int hi = b0 == 0xF4 ? 0x8F : 0xBF;   // nothing above U+10FFFF
            return continuation(b, i + 1, lo, hi) && continuation(b, i + 2, 0x80, 0xBF)
                    && continuation(b, i + 3, 0x80, 0xBF) ? 4 : -1;
        }
        return -1;
    }

    private static boolean continuation(byte[] b, int at, int lo, int hi) {
        if (at >= b.length) {
            return false;
        }
        int v = b[at] & 0xFF;
        return v >= lo && v <= hi;
    }
}
