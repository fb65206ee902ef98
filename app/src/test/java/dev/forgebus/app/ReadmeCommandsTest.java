package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Every shell command the README shows, as written. The cheap {@code forgebus} commands run (in
 * this JVM, through the same {@link Main} the jar runs); every other {@code forgebus} command is
 * parsed by the real command line, so a renamed option or command fails here; the rest is skipped
 * with its reason below (servers, the whole suite, commands that need a running demo).
 */
class ReadmeCommandsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Commands not run, by how they start, and why. */
    private static final Map<String, String> SKIPPED = new LinkedHashMap<>();

    static {
        SKIPPED.put("bin/run-example", "builds the jar and starts a server until stopped");
        SKIPPED.put("bin/test", "the whole test suite: it is what runs this test");
        SKIPPED.put("python3 bin/demo-forge.py", "a server until stopped (the script's presence is checked)");
        SKIPPED.put("GITHUB_API_URL=", "bin/run-example with a variable: a server until stopped");
        SKIPPED.put("timeout ", "waits for a running demo's /ready");
        SKIPPED.put("B=", "a shell variable of the demo");
        SKIPPED.put("SIG=", "a shell variable of the demo");
        SKIPPED.put("curl ", "needs the running demo");
        SKIPPED.put("export ORDERS_DB_URL=", "an example database URL for the migrate lines after it (no database here)");
        SKIPPED.put("export PATH=", "sets the shell's PATH for the lines after it (this test calls Main directly)");
    }

    /** The forgebus commands cheap enough to run: no Kafka, no server. */
    private static boolean cheap(List<String> args) {
        return args.equals(List.of("--version")) || args.contains("--help") || args.contains("-h")
                || (args.size() >= 2 && args.get(0).equals("config") && args.get(1).equals("check"));
    }

    record Result(int exit, String out, String err) {
    }

    @Test
    void every_forgebus_command_in_the_readme_works_as_written() throws IOException {
        List<String> commands = readmeCommands();
        List<String> ran = new ArrayList<>();
        List<String> parsed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String command : commands) {
            List<String> words = words(command);
            if (words.get(0).equals("forgebus")) {
                List<String> args = words.subList(1, words.size()).stream().map(ReadmeCommandsTest::fromRoot).toList();
                if (cheap(args)) {
                    Result r = execute(args);
                    assertThat(r.exit()).as("`%s` exit code; stderr: %s", command, r.err()).isZero();
                    ran.add(command);
                } else {
                    Main.commandLine(Modules.BUILT_IN).parseArgs(args.toArray(String[]::new));
                    parsed.add(command);
                }
                continue;
            }
            String reason = SKIPPED.entrySet().stream().filter(e -> command.startsWith(e.getKey()))
                    .map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new AssertionError("a README command this test neither runs nor skips: " + command));
            skipped.add(command + "  -- skipped: " + reason);
        }
        System.out.println("README commands run: " + ran + "\nparsed only: " + parsed + "\n" + String.join("\n", skipped));
        assertThat(ran).as("the README shows forgebus commands that run").hasSizeGreaterThanOrEqualTo(3);
        for (String script : List.of("bin/forgebus", "bin/run-example", "bin/test", "bin/find-jdk")) {
            assertThat(Files.isExecutable(ROOT.resolve(script))).as(script + " is executable").isTrue();
        }
        assertThat(ROOT.resolve("bin/demo-forge.py")).exists();
    }

    @Test
    void forgebus_version_prints_the_version_of_the_pom() throws IOException {
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();

        Result r = execute(List.of("--version"));

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("forgebus " + m.group(1));
    }

    @Test
    void the_readme_waits_for_ready_before_sending_the_demo_webhook() throws IOException {
        List<String> commands = readmeCommands();
        int waits = indexOf(commands, c -> c.contains("/ready") && c.contains("until"));
        int sends = indexOf(commands, c -> c.startsWith("curl -X POST"));
        assertThat(waits).as("a wait for /ready").isNotNegative();
        assertThat(sends).as("the demo webhook").isGreaterThan(waits);
        assertThat(commands.get(waits)).as("a deadline").startsWith("timeout ");
    }

    private static int indexOf(List<String> commands, java.util.function.Predicate<String> p) {
        for (int i = 0; i < commands.size(); i++) {
            if (p.test(commands.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Result execute(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    /** A relative path the README means from the repository root (the test runs in app/). */
    private static String fromRoot(String arg) {
        return !arg.startsWith("-") && arg.contains("/") && Files.exists(ROOT.resolve(arg)) ? ROOT.resolve(arg).toString() : arg;
    }

    /** The commands of the README's ```sh blocks: continuation lines joined, comments and blank lines dropped. */
    static List<String> readmeCommands() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inShell = false;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.startsWith("```")) {
                inShell = !inShell && line.strip().equals("```sh");
                continue;
            }
            if (!inShell) {
                continue;
            }
            String text = withoutComment(line).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.endsWith("\\")) {
                pending.append(text, 0, text.length() - 1).append(' ');
                continue;
            }
            pending.append(text);
            String command = pending.toString().strip();
            pending.setLength(0);
            commands.add(command.endsWith("&") ? command.substring(0, command.length() - 1).strip() : command);
        }
        return commands;
    }

    /** The line up to a {@code #} that starts a shell comment (outside quotes, at a word start). */
    private static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Shell words: split on blanks outside quotes, quotes removed (no expansion). */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
