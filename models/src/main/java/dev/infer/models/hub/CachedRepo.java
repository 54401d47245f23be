package dev.infer.models.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * One repository in the Hugging Face cache, laid out exactly as {@code huggingface_hub} does so the two share it:
 * <pre>
 * {hubCache}/models--ORG--NAME/blobs/{etag}                       file contents, named by ETag
 * {hubCache}/models--ORG--NAME/snapshots/{commit}/{file}          relative symlink to ../../blobs/{etag}
 * {hubCache}/models--ORG--NAME/refs/{revision}                    the commit a branch or tag pointed at
 * {hubCache}/.locks/models--ORG--NAME/{etag}.lock                 held while a blob is downloaded
 * </pre>
 */
final class CachedRepo {
    private final Path hubCache;
    private final RepoId repo;
    private final Path dir;

    CachedRepo(Path hubCache, RepoId repo) {
        this.hubCache = hubCache;
        this.repo = repo;
        this.dir = hubCache.resolve(repo.cacheFolderName());
    }

    Path dir() {
        return dir;
    }

    Path blob(String etag) {
        return dir.resolve("blobs").resolve(etag);
    }

    Path incomplete(String etag) {
        return dir.resolve("blobs").resolve(etag + ".incomplete");
    }

    Path lockFile(String etag) {
        return hubCache.resolve(".locks").resolve(repo.cacheFolderName()).resolve(etag + ".lock");
    }

    Path snapshot(String commit) {
        return dir.resolve("snapshots").resolve(commit);
    }

    /** The commit {@code revision} resolves to from the cache alone: the ref file, or the revision itself. */
    Optional<String> commitFor(String revision) {
        Path ref = dir.resolve("refs").resolve(revision);
        try {
            if (Files.isRegularFile(ref)) {
                String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
                return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ref, e);
        }
        return RepoId.isCommit(revision) && Files.isDirectory(snapshot(revision)) ? Optional.of(revision)
                : Optional.empty();
    }

    /** Records that {@code revision} points at {@code commit} (no newline, like huggingface_hub). */
    void writeRef(String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = dir.resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Points {@code snapshots/{commit}/{file}} at the blob with a relative symlink, so the cache can be moved.
     * Where symlinks are not allowed, the blob is copied instead (what huggingface_hub does on Windows).
     */
    void link(String commit, String file, String etag) throws IOException {
        Path target = snapshot(commit).resolve(file);
        Path blob = blob(etag);
        Files.createDirectories(target.getParent());
        Path relative = target.getParent().relativize(blob);
        if (Files.isSymbolicLink(target) || Files.exists(target)) {
            if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(relative)) {
                return;
            }
            Files.delete(target);
        }
        try {
            Files.createSymbolicLink(target, relative);
        } catch (FileAlreadyExistsException e) {
            // Another process linked it at the same moment; the blob is the same content either way.
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
