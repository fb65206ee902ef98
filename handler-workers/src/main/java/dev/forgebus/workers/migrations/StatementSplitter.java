package dev.forgebus.workers.migrations;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a SQL file into statements at the semicolons that end them, for files that run outside
 * a transaction one statement at a time. It knows just enough PostgreSQL lexing not to split
 * inside {@code 'strings'} (with {@code ''}), {@code E'...'} escapes, {@code "identifiers"},
 * {@code $tag$ dollar quotes $tag$}, {@code -- line} and nested {@code /* block *}{@code /}
 * comments. Statements that are only comments or blank are dropped.
 */
public final class StatementSplitter {

    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");

    private StatementSplitter() {
    }

    public static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean meaningful = false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(sql, i, end);
                i = end;
                continue;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = blockCommentEnd(sql, i);
                current.append(sql, i, end);
                i = end;
                continue;
            } else if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)));
                end = quotedEnd(sql, i, '\'', escapes);
            } else if (c == '"') {
                end = quotedEnd(sql, i, '"', false);
            } else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)) && sql.charAt(i - 1) != '_')) {
                Matcher tag = DOLLAR_TAG.matcher(sql).region(i, n);
                if (tag.lookingAt()) {
                    int close = sql.indexOf(tag.group(), tag.end());
                    end = close < 0 ? n : close + tag.group().length();
                } else {
                    end = i + 1;
                }
            } else if (c == ';') {
                if (meaningful) {
                    statements.add(current.toString().strip());
                }
                current.setLength(0);
                meaningful = false;
                i++;
                continue;
            } else {
                end = i + 1;
            }
            if (!Character.isWhitespace(c)) {
                meaningful = true;
            }
            current.append(sql, i, end);
            i = end;
        }
        if (meaningful) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static int quotedEnd(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static int blockCommentEnd(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }
}
