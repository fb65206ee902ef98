package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forgebus config check} and the CLI's answers to user mistakes. */
class ConfigCheckCommandTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void the_example_configs_are_valid() {
        for (String example : new String[] {"../examples/forgebus.yml", "../examples/docker.yml"}) {
            Result r = run("config", "check", "--config", example);
            assertThat(r.exit()).as(example + ": " + r.err()).isZero();
            assertThat(r.out()).contains("OK");
        }
    }

    @Test
    void workers_for_a_module_without_a_handler_is_a_usage_error_before_anything_starts() {
        // Before: the worker process started and consumed nothing (no exit, no message). Every
        // standard module has a handler now, so the executable here is one without migrations'.
        Modules modules = Modules.BUILT_IN.without(dev.forgebus.common.config.ModuleId.MIGRATIONS);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(modules, new PrintWriter(out, true), new PrintWriter(err, true),
                "workers", "--config", "../examples/forgebus.yml", "--modules", "triage,migrations");
        Result r = new Result(exit, out.toString(), err.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("module 'migrations' has no handler in this version (modules with a handler: "
                + String.join(", ", modules.withHandler().stream().map(m -> m.id()).toList()) + ")");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void workers_for_an_unknown_module_is_a_usage_error() {
        Result r = run("workers", "--config", "../examples/forgebus.yml", "--modules", "trage");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown module 'trage'");
    }

    @Test
    void a_broken_config_prints_every_problem_with_its_line_and_exits_1() throws IOException {
        Path file = dir.resolve("broken.yml");
        Files.writeString(file, """
                server:
                  prot: 8080
                kafka:
                  partitions: many
                forges:
                  gh:
                    type: gitlab
                    api_url: https://api.github.com
                    webhook_secret: ${SURELY_NOT_SET_FORGEBUS_VAR}
                """);

        Result r = run("config", "check", "--config", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(file + ":2:", file + ":4:", file + ":7:", file + ":9:");
        assertThat(r.err()).contains("SURELY_NOT_SET_FORGEBUS_VAR");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void a_missing_file_is_one_clear_line() {
        Result r = run("config", "check", "--config", dir.resolve("nope.yml").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("not found");
    }

    @Test
    void run_with_an_invalid_config_fails_without_a_stack_trace() throws IOException {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "server: { port: -1 }\n");
        Result r = run("run", "--config", file.toString(), "--data-dir", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("bad.yml:1:").doesNotContain("\tat ");
    }

    @Test
    void an_unknown_flag_is_a_usage_error() {
        Result r = run("run", "--config", "x.yml", "--no-such-flag");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option");
    }

    @Test
    void help_works_on_every_command() {
        for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"gateway", "--help"}, {"dedup", "--help"},
                {"workers", "--help"}, {"scheduler", "--help"}, {"config", "--help"}, {"config", "check", "--help"}}) {
            Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
    }
}
