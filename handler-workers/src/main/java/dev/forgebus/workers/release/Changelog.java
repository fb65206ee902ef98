package dev.forgebus.workers.release;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A changelog in the Keep a Changelog shape, cut into its version sections. A section starts at a
 * level-2 heading naming a version: {@code ## [1.2.0] - 2026-01-01}, {@code ## 1.2.0},
 * {@code ## v1.2.0} (a date or text after the version is allowed), and runs to the next level-2
 * heading. {@code ## [Unreleased]} is a section of no version: never a release's notes. The
 * link-reference footer after the last section ({@code [1.2.0]: https://...}) is not part of it.
 *
 * <p>Read from bytes: a UTF-8 BOM is dropped, CRLF and CR become LF, malformed UTF-8 becomes
 * U+FFFD. Only the first {@link #MAX_BYTES} bytes are read (a changelog lists the newest version
 * first; a 10 MB file must not cost 10 MB of parsing per tag): {@link #truncated()} says so.
 */
public final class Changelog {

    /** How much of a changelog is read: 1 MiB, GitHub's limit for a file's content in the contents API too. */
    public static final int MAX_BYTES = 1 << 20;

    /** A level-2 heading ({@code ## } then text). */
    private static final Pattern HEADING = Pattern.compile("^##[ \\t]+(.*)$");
    /** Its first word, when it names a version: an optional {@code [}, an optional v, a digit first, {@code ]}. */
    private static final Pattern VERSION = Pattern.compile("^\\[?((?i:unreleased)|[vV]?\\d[^\\]\\s]*)\\]?(?:\\s.*)?$");
    /** A Markdown link reference definition: {@code [label]: url}. */
    private static final Pattern LINK_REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*\\S.*$");

    /**
     * One version's section.
     *
     * @param version the heading's version as written, without brackets ({@code 1.2.0}, {@code v1.2.0})
     * @param body    the text under the heading, without leading and trailing blank lines
     */
    public record Section(String version, String body) {
        public Section {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(body, "body");
        }
    }

    private final List<Section> sections;
    private final boolean truncated;

    private Changelog(List<Section> sections, boolean truncated) {
        this.sections = List.copyOf(sections);
        this.truncated = truncated;
    }

    public static Changelog parse(byte[] bytes) {
        boolean truncated = bytes.length > MAX_BYTES;
        return parse(decode(bytes, Math.min(bytes.length, MAX_BYTES)), truncated);
    }

    public static Changelog parse(String text) {
        return parse(text, false);
    }

    private static Changelog parse(String text, boolean truncated) {
        String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
        if (normalised.startsWith("\uFEFF")) {
            normalised = normalised.substring(1);
        }
        List<Section> sections = new ArrayList<>();
        String version = null;
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : normalised.split("\n", -1)) {
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                inFence = !inFence;
            }
            Matcher heading = inFence ? null : HEADING.matcher(line.stripTrailing());
            if (heading != null && heading.matches()) {
                addSection(sections, version, lines, false);
                // Any other level-2 heading ("## Notes") ends the section and starts none.
                Matcher named = VERSION.matcher(heading.group(1).strip());
                version = named.matches() && !isUnreleased(named.group(1)) ? named.group(1) : null;
                lines = new ArrayList<>();
            } else if (line.startsWith("# ") && !inFence) {
                // The document title (or a second one): ends a section, belongs to none.
                addSection(sections, version, lines, false);
                version = null;
                lines = new ArrayList<>();
            } else {
                lines.add(line);
            }
        }
        addSection(sections, version, lines, !truncated);
        return new Changelog(sections, truncated);
    }

    /** The section of {@code version}; {@code v1.2.0} and {@code 1.2.0} name the same version. */
    public Optional<Section> section(String version) {
        String wanted = withoutV(version);
        return sections.stream().filter(s -> withoutV(s.version()).equals(wanted)).findFirst();
    }

    /** The first released section from the top: the newest version, when the file is newest first. */
    public Optional<Section> newestReleased() {
        return sections.stream().findFirst();
    }

    public List<Section> sections() {
        return sections;
    }

    /** Whether only the first {@link #MAX_BYTES} bytes were read. */
    public boolean truncated() {
        return truncated;
    }

    private static void addSection(List<Section> sections, String version, List<String> lines, boolean last) {
        if (version == null) {
            return;
        }
        int end = lines.size();
        if (last) {
            // The link-reference footer follows the last section: leave it out (trailing definitions only,
            // so a definition inside an earlier section's text stays with it).
            while (end > 0 && (lines.get(end - 1).isBlank() || LINK_REFERENCE.matcher(lines.get(end - 1)).matches())) {
                end--;
            }
        }
        int start = 0;
        while (start < end && lines.get(start).isBlank()) {
            start++;
        }
        while (end > start && lines.get(end - 1).isBlank()) {
            end--;
        }
        sections.add(new Section(version, String.join("\n", lines.subList(start, end))));
    }

    private static boolean isUnreleased(String version) {
        return version.toLowerCase(Locale.ROOT).equals("unreleased");
    }

    static String withoutV(String version) {
        return version.length() > 1 && (version.charAt(0) == 'v' || version.charAt(0) == 'V')
                && Character.isDigit(version.charAt(1)) ? version.substring(1) : version;
    }

    /** UTF-8 with malformed input replaced; a character cut by the byte limit becomes one U+FFFD, which is then dropped. */
    private static String decode(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, length));
            String text = chars.toString();
            return length < bytes.length && text.endsWith("\uFFFD") ? text.substring(0, text.length() - 1) : text;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("UTF-8 decoding with REPLACE cannot fail", e);
        }
    }
}
