package dev.forgebus.workers.migrations;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One forward-only migration, {@code V<version>__<name>.sql}: the version is numeric with dots
 * ({@code V2}, {@code V1.2}, {@code V10}) and sorts numerically part by part, so V2 &lt; V10 and
 * V1 &lt; V1.2 &lt; V2; a missing part counts as 0, so V1 and V1.0 are the same version.
 *
 * @param version  the version as written in the file name ({@code 1.2})
 * @param name     the part after {@code __}, without {@code .sql}
 * @param sql      the file's text (UTF-8)
 * @param checksum sha256 of the file's bytes, lower-case hex
 */
public record MigrationFile(String version, String name, String sql, String checksum) {

    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+(?:\\.\\d+)*)__(.+)\\.sql");
    private static final Pattern NO_TRANSACTION_MARKER = Pattern.compile("(?im)^\\s*--\\s*forgebus:no-transaction\\s*$");
    private static final Pattern CONCURRENTLY = Pattern.compile(
            "(?is)\\b(?:create\\s+(?:unique\\s+)?index|drop\\s+index|reindex\\b[^;]*?)\\s+concurrently\\b");

    /** Numeric order of versions, part by part. */
    public static final Comparator<String> VERSION_ORDER = MigrationFile::compareVersions;
    public static final Comparator<MigrationFile> ORDER = Comparator.comparing(MigrationFile::version, VERSION_ORDER);

    public MigrationFile {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(checksum, "checksum");
    }

    /** Whether {@code fileName} is a migration's name ({@code V<version>__<name>.sql}). */
    public static boolean isMigrationName(String fileName) {
        return FILE_NAME.matcher(fileName).matches();
    }

    /** The migration in file {@code fileName}, or empty when the name is not {@code V<version>__<name>.sql}. */
    public static Optional<MigrationFile> of(String fileName, byte[] bytes) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new MigrationFile(m.group(1), m.group(2), new String(bytes, StandardCharsets.UTF_8), sha256(bytes)));
    }

    /** The file's name as it was read. */
    public String fileName() {
        return "V" + version + "__" + name + ".sql";
    }

    /**
     * Whether the file must run outside a transaction, one statement at a time: PostgreSQL refuses
     * {@code CREATE INDEX CONCURRENTLY} (and {@code DROP INDEX / REINDEX ... CONCURRENTLY}) inside
     * one; any other statement that needs it is marked {@code -- forgebus:no-transaction}.
     */
    public boolean noTransaction() {
        return NO_TRANSACTION_MARKER.matcher(sql).find()
                || StatementSplitter.split(sql).stream().anyMatch(s -> CONCURRENTLY.matcher(s).find());
    }

    static int compareVersions(String a, String b) {
        List<BigInteger> x = parts(a);
        List<BigInteger> y = parts(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            int c = (i < x.size() ? x.get(i) : BigInteger.ZERO).compareTo(i < y.size() ? y.get(i) : BigInteger.ZERO);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static List<BigInteger> parts(String version) {
        List<BigInteger> parts = new ArrayList<>();
        for (String part : version.split("\\.")) {
            parts.add(new BigInteger(part));
        }
        return parts;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
