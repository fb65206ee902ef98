package dev.forgebus.common.event;

import java.util.regex.Pattern;

/**
 * The shape rules for the facts of a delivery that choose a secret, a credential, a record key or
 * a metric tag: event and action names, owner and repository names, sender logins, delivery ids.
 * The gateway refuses a delivery whose facts break them; dedup-streams checks the same rules on the
 * headers it reads (a record that breaks them is dead-lettered), so a fact that reached a topic is
 * always short, ASCII and free of separators.
 *
 * <p>Names follow the forges' own rules, which are ASCII on all of them: GitHub logins are letters,
 * digits and '-' (39 at most; Enterprise managed users add '_'), Gitea and Forgejo user and org
 * names are letters, digits, '-', '_' and '.' (40 at most), repository names on all three are
 * letters, digits, '-', '_' and '.' (100 at most). One rule covering the three is used, so the same
 * name means the same thing on every forge. Logins compare ASCII case-insensitively
 * ({@link #sameName}): Java's {@code equalsIgnoreCase} also folds U+017F and the Kelvin sign onto
 * ASCII letters, which would let {@code "ſecureOrg"} pass for {@code "SecureOrg"}.
 */
public final class DeliveryNames {
    /** Longest event or action name copied into envelopes, reasons, headers and tags. */
    public static final int MAX_TOKEN = 64;
    public static final int MAX_NAME = 100;
    public static final int MAX_DELIVERY_ID = 200;

    private static final Pattern TOKEN = Pattern.compile("[a-z][a-z0-9_.]{0,63}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** GitHub bots log in as {@code name[bot]}. */
    private static final Pattern SENDER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(\\[bot])?");
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._:@+=-]{1,200}");

    private DeliveryNames() {
    }

    /** An event or action name: lowercase ASCII letters, digits, '_' and '.', 64 at most. */
    public static boolean isToken(String value) {
        return value != null && TOKEN.matcher(value).matches();
    }

    public static boolean isOwner(String value) {
        return value != null && OWNER.matcher(value).matches();
    }

    /** A repository name; "." and ".." are path segments, never names. */
    public static boolean isRepo(String value) {
        return value != null && REPO.matcher(value).matches() && !value.equals(".") && !value.equals("..");
    }

    public static boolean isSender(String value) {
        return value != null && SENDER.matcher(value).matches();
    }

    public static boolean isDeliveryId(String value) {
        return value != null && DELIVERY_ID.matcher(value).matches();
    }

    /**
     * Equal ignoring the case of ASCII letters only. Names that pass {@link #isOwner} are ASCII;
     * a non-ASCII character is compared exactly, so it never matches an ASCII letter.
     */
    public static boolean sameName(String a, String b) {
        if (a == null || b == null || a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
