package dev.forgebus.workers.release;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@code tag_pattern}: fnmatch as Python's {@code fnmatchcase} reads it. {@code *} is any run of
 * characters ({@code /} included: {@code release/*} matches {@code release/1.2}), {@code ?} one
 * character, {@code [abc]} / {@code [a-z]} one of a set, {@code [!abc]} one not in it; a {@code [}
 * without its {@code ]} is a literal. Case-sensitive, like git's tag names. Any tag may be
 * matched, SemVer or not: a tag that is not a version follows these rules only.
 */
public record TagPattern(String glob, Pattern regex) {

    public TagPattern {
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(regex, "regex");
    }

    public static TagPattern of(String glob) {
        return new TagPattern(glob, Pattern.compile(toRegex(glob), Pattern.DOTALL));
    }

    public boolean matches(String tag) {
        return regex.matcher(tag).matches();
    }

    private static String toRegex(String glob) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '*' -> out.append(".*");
                case '?' -> out.append('.');
                case '[' -> {
                    int end = classEnd(glob, i);
                    if (end < 0) {
                        out.append("\\[");
                    } else {
                        out.append(charClass(glob.substring(i, end)));
                        i = end + 1;
                    }
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }

    /** Index of the {@code ]} closing a class opened before {@code from}; a {@code ]} first in the class is a member. */
    private static int classEnd(String glob, int from) {
        int j = from;
        if (j < glob.length() && glob.charAt(j) == '!') {
            j++;
        }
        if (j < glob.length() && glob.charAt(j) == ']') {
            j++;
        }
        return glob.indexOf(']', j);
    }

    private static String charClass(String members) {
        StringBuilder out = new StringBuilder("[");
        int k = 0;
        if (members.startsWith("!")) {
            out.append('^');
            k = 1;
        }
        for (; k < members.length(); k++) {
            char m = members.charAt(k);
            // Only '-' keeps its meaning (a range); everything else regex-special is escaped.
            if (m == '-' && k > 0 && k < members.length() - 1) {
                out.append('-');
            } else if (Character.isLetterOrDigit(m)) {
                out.append(m);
            } else {
                out.append('\\').append(m);
            }
        }
        return out.append(']').toString();
    }

    @Override
    public String toString() {
        return glob;
    }
}
