package dev.forgebus.workers.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementSplitterTest {

    @Test
    void semicolons_in_strings_identifiers_dollar_quotes_and_comments_do_not_split() {
        String sql = """
                -- a comment; not a statement
                INSERT INTO t VALUES ('a;b', 'it''s; fine', E'x\\';y');
                CREATE INDEX CONCURRENTLY "odd;name" ON t (x);
                /* block; /* nested; */ still; */
                CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
                DO $$ BEGIN PERFORM 1; END $$
                """;

        assertThat(StatementSplitter.split(sql)).containsExactly(
                "-- a comment; not a statement\nINSERT INTO t VALUES ('a;b', 'it''s; fine', E'x\\';y')",
                "CREATE INDEX CONCURRENTLY \"odd;name\" ON t (x)",
                "/* block; /* nested; */ still; */\nCREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql",
                "DO $$ BEGIN PERFORM 1; END $$");
    }

    @Test
    void comment_only_and_empty_statements_are_dropped() {
        assertThat(StatementSplitter.split(";;\n-- only a comment\n;  ")).isEmpty();
    }
}
