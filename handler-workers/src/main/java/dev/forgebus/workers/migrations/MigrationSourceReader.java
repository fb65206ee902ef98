package dev.forgebus.workers.migrations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.forge.FileContent;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;

/**
 * Where a service's migration files come from: a local folder, or a folder of a repository read
 * through the forge's contents API at a ref (so a migration set is pinned to what that ref names).
 * Files whose names are not {@code V<version>__<name>.sql} are ignored; two files of one version
 * are an error (which one would run is not for the runner to guess).
 */
public sealed interface MigrationSourceReader {

    /** The files in version order. */
    List<MigrationFile> read() throws MigrationException, ForgeCallException, InterruptedException;

    /** A local folder. */
    record LocalFolder(Path folder) implements MigrationSourceReader {
        @Override
        public List<MigrationFile> read() throws MigrationException {
            if (!Files.isDirectory(folder)) {
                throw new MigrationException("migration folder " + folder + " does not exist");
            }
            List<MigrationFile> files = new ArrayList<>();
            try (Stream<Path> entries = Files.list(folder)) {
                for (Path p : entries.filter(Files::isRegularFile).toList()) {
                    String fileName = p.getFileName().toString();
                    if (MigrationFile.isMigrationName(fileName)) {
                        files.add(MigrationFile.of(fileName, Files.readAllBytes(p)).orElseThrow());
                    }
                }
            } catch (IOException e) {
                throw new MigrationException("cannot read migration folder " + folder + ": " + e.getMessage());
            }
            return ordered(files, folder.toString());
        }
    }

    /** Folder {@code path} of {@code repo} at {@code ref} (empty: the default branch). */
    record ForgeFolder(ForgeClient client, RepoRef repo, String path, Optional<String> ref) implements MigrationSourceReader {
        @Override
        public List<MigrationFile> read() throws MigrationException, ForgeCallException, InterruptedException {
            String where = repo.forgeId() + ":" + repo.owner() + "/" + repo.repo() + "/" + path + ref.map(r -> "@" + r).orElse("");
            List<String> names = client.folderFiles(repo, path, ref);
            if (names.isEmpty()) {
                throw new MigrationException("no files in " + where + " (no such folder or ref?)");
            }
            List<MigrationFile> files = new ArrayList<>();
            for (String fileName : names) {
                if (!MigrationFile.isMigrationName(fileName)) {
                    continue;
                }
                String filePath = path.isEmpty() ? fileName : path.replaceAll("/+$", "") + "/" + fileName;
                FileContent content = client.fileContent(repo, filePath, ref)
                        .orElseThrow(() -> new MigrationException(fileName + " vanished from " + where + " while it was read"));
                if (content.cut()) {
                    throw new MigrationException(fileName + " in " + where + " is too large to read through the forge API");
                }
                files.add(MigrationFile.of(fileName, content.bytes()).orElseThrow());
            }
            return ordered(files, where);
        }
    }

    private static List<MigrationFile> ordered(List<MigrationFile> files, String where) throws MigrationException {
        List<MigrationFile> sorted = new ArrayList<>(files);
        sorted.sort(MigrationFile.ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            if (MigrationFile.compareVersions(sorted.get(i - 1).version(), sorted.get(i).version()) == 0) {
                throw new MigrationException("two files of version " + sorted.get(i).version() + " in " + where + ": "
                        + sorted.get(i - 1).fileName() + " and " + sorted.get(i).fileName());
            }
        }
        return List.copyOf(sorted);
    }
}
