package dev.forgebus.broker;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The embedded broker for tests, shipped in this module's test-jar:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.forgebus</groupId><artifactId>forgebus-embedded-broker</artifactId>
 *   <type>test-jar</type><scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * {@link #bootstrapServers()} starts one broker per test JVM on the first call (free port, temporary directory) and
 * shares it with every later caller; a JVM shutdown hook stops it and deletes its directory. Tests sharing it should
 * use their own topic names and group ids. Tests that stop or restart a broker use {@link #startPrivate(Path)} and
 * close what it returns.
 */
public final class SharedTestBroker {

    private static EmbeddedKafkaBroker shared;
    private static RuntimeException startFailure;

    private SharedTestBroker() {
    }

    /** {@code bootstrap.servers} of the JVM-wide broker, started on the first call. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** The JVM-wide broker, started on the first call. Do not close it: the shutdown hook does. */
    public static synchronized EmbeddedKafkaBroker broker() {
        if (shared != null) {
            return shared;
        }
        if (startFailure != null) {
            // Do not spend another start timeout in every test once the first start failed.
            throw new IllegalStateException("the shared test broker failed to start: " + startFailure.getMessage(), startFailure);
        }
        try {
            Path dir = Files.createTempDirectory("forgebus-test-broker-");
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings(dir, 0));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                deleteRecursively(dir);
            }, "forgebus-test-broker-shutdown"));
            shared = broker;
            return broker;
        } catch (IOException e) {
            startFailure = new IllegalStateException("cannot create a temporary directory for the test broker", e);
            throw startFailure;
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        }
    }

    /** A broker of the test's own, on a free port, with its data in {@code dir}. The caller closes it. */
    public static EmbeddedKafkaBroker startPrivate(Path dir) {
        return EmbeddedKafkaBroker.start(settings(dir, 0));
    }

    /** A broker of the test's own on {@code port} (e.g. to restart one on the port it had), data in {@code dir}. */
    public static EmbeddedKafkaBroker startPrivate(Path dir, int port) {
        return EmbeddedKafkaBroker.start(settings(dir, port));
    }

    /** The settings test brokers use: room for a 32 MiB record, as in production. */
    public static BrokerSettings settings(Path dir, int port) {
        return BrokerSettings.of(dir, port);
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: it is a temporary directory
        }
    }
}
