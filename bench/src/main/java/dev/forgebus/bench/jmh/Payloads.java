package dev.forgebus.bench.jmh;

import java.nio.charset.StandardCharsets;

/**
 * Webhook bodies of a chosen size, shaped like a GitHub {@code push} delivery: the small
 * {@code ref}/{@code repository}/{@code sender} objects the gateway and dedup read, then a
 * {@code commits} array of realistic commit objects that grows to the requested size (big
 * deliveries are big because of such arrays, not because of one huge string).
 */
final class Payloads {

    private Payloads() {
    }

    /** A JSON object of exactly {@code targetBytes} bytes (whitespace-padded), owner MyOrg, repo app. */
    static byte[] push(int targetBytes) {
        StringBuilder sb = new StringBuilder(targetBytes + 2048);
        sb.append("""
                {"ref":"refs/heads/main","before":"1111111111111111111111111111111111111111",\
                "after":"2222222222222222222222222222222222222222","created":false,"deleted":false,"forced":false,\
                "repository":{"id":123456,"node_id":"R_kgDOAAAAAA","name":"app","full_name":"MyOrg/app","private":false,\
                "owner":{"login":"MyOrg","id":4242,"type":"Organization","site_admin":false},\
                "html_url":"https://github.com/MyOrg/app","description":"The app","fork":false,\
                "default_branch":"main","stargazers_count":17,"topics":["java","kafka"]},\
                "pusher":{"name":"octocat","email":"octocat@example.com"},\
                "sender":{"login":"octocat","id":583231,"type":"User","site_admin":false},\
                "commits":[""");
        String closing = "],\"head_commit\":null,\"compare\":\"https://github.com/MyOrg/app/compare/1111...2222\"}";
        for (int i = 0; ; i++) {
            String sha = String.format("%040x", 0xABCDEFL * (i + 1));
            String commit = "{\"id\":\"" + sha + "\",\"tree_id\":\"" + sha
                    + "\",\"distinct\":true,\"message\":\"Fix issue #" + i
                    + ": handle the \\\"empty\\\" case in the parser\\n\\nThe parser failed on inputs without a trailing newline; "
                    + "this adds a guard and a test.\",\"timestamp\":\"2026-03-01T12:00:00Z\","
                    + "\"url\":\"https://github.com/MyOrg/app/commit/" + sha + "\","
                    + "\"author\":{\"name\":\"Mona Lisa\",\"email\":\"mona@example.com\",\"username\":\"mona\"},"
                    + "\"committer\":{\"name\":\"GitHub\",\"email\":\"noreply@github.com\",\"username\":\"web-flow\"},"
                    + "\"added\":[\"src/main/java/App" + i + ".java\"],\"removed\":[],"
                    + "\"modified\":[\"README.md\",\"src/main/java/Parser.java\",\"src/test/java/ParserTest.java\"]}";
            int separator = i > 0 ? 1 : 0;
            if (sb.length() + separator + commit.length() + closing.length() > targetBytes) {
                break;
            }
            sb.append(i > 0 ? "," : "").append(commit);
        }
        sb.append(closing);
        if (sb.length() < targetBytes) {
            // Pad with whitespace inside the object to the exact size (all ASCII: chars == bytes).
            sb.insert(sb.length() - 1, " ".repeat(targetBytes - sb.length()));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An {@code issues.opened} delivery of {@code targetBytes} bytes for MyOrg/app: the size is in
     * the issue's body text (a long bug report with a pasted stack trace), as for real issues.
     */
    static byte[] issueOpened(int targetBytes) {
        String head = """
                {"action":"opened","issue":{"url":"https://api.github.com/repos/MyOrg/app/issues/7","number":7,\
                "title":"App crashes on start","state":"open","locked":false,"labels":[],"assignees":[],"comments":0,\
                "user":{"login":"octocat","id":583231,"type":"User","site_admin":false},\
                "created_at":"2026-03-01T12:00:00Z","updated_at":"2026-03-01T12:00:00Z","body":\"""";
        String tail = """
                "},"repository":{"id":123456,"name":"app","full_name":"MyOrg/app","private":false,\
                "owner":{"login":"MyOrg","id":4242,"type":"Organization"},"default_branch":"main"},\
                "organization":{"login":"MyOrg","id":4242},\
                "sender":{"login":"octocat","id":583231,"type":"User","site_admin":false}}""";
        StringBuilder body = new StringBuilder();
        String line = "    at dev.example.app.Parser.parse(Parser.java:42) -- steps: open the app, click start\\n";
        int room = Math.max(0, targetBytes - head.length() - tail.length());
        while (body.length() + line.length() <= room) {
            body.append(line);
        }
        body.append("x".repeat(room - body.length()));
        return (head + body + tail).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code "1KB"}, {@code "10KB"}, {@code "1MB"}, ... as bytes (binary units). */
    static int parseSize(String size) {
        String s = size.trim().toUpperCase();
        if (s.endsWith("MB")) {
            return Integer.parseInt(s.substring(0, s.length() - 2)) * 1024 * 1024;
        }
        if (s.endsWith("KB")) {
            return Integer.parseInt(s.substring(0, s.length() - 2)) * 1024;
        }
        return Integer.parseInt(s);
    }
}
