package dev.lic.jobs.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bitstreams as {@code <root>/<sha256>.lic} on a file system every executor can reach (the local disk in
 * local mode, a shared mount on a cluster). Writes are atomic (temporary file, then rename); an object
 * that is already there with the right content is not written again.
 */
public final class DirectorySink implements BitstreamSink {
    public static final String SUFFIX = ".lic";
    private final String root;

    public DirectorySink(Path root) {
        this.root = root.toAbsolutePath().normalize().toString();
    }

    @Override
    public String put(byte[] bitstream) {
        String id = ContentIds.of(bitstream);
        Path target = Path.of(root, id + SUFFIX);
        if (!holds(target, id)) {
            AtomicFiles.write(target, bitstream);
        }
        return id;
    }

    /** The file of a content id. */
    public Path pathOf(String id) {
        return Path.of(root, id + SUFFIX);
    }

    private static boolean holds(Path target, String id) {
        try {
            return Files.isRegularFile(target) && ContentIds.of(Files.readAllBytes(target)).equals(id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target, e);
        }
    }

    @Override
    public String describe() {
        return root;
    }
}
