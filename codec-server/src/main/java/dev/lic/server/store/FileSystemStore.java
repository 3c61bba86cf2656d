package dev.lic.server.store;

import dev.lic.core.ErrorKind;
import dev.lic.core.LicException;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A directory of content-addressed objects: {@code objects/ab/abcd...}. Writes go to {@code tmp/}, are
 * fsynced, then atomically renamed into place and the directory is fsynced, so a crash leaves either
 * the whole object or none of it. Reads re-hash the bytes and compare with the id.
 */
public final class FileSystemStore implements BitstreamStore {
    private final Path objects;
    private final Path tmp;
    private final int maxObjectBytes;

    public FileSystemStore(Path root, int maxObjectBytes) {
        this.objects = root.resolve("objects");
        this.tmp = root.resolve("tmp");
        this.maxObjectBytes = maxObjectBytes;
        try {
            Files.createDirectories(objects);
            Files.createDirectories(tmp);
            clearLeftoverTemporaries();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare store at " + root, e);
        }
    }

    @Override
    public PutResult put(byte[] bitstream) {
        String id = ContentId.of(bitstream);
        Path target = pathOf(id);
        try {
            if (Files.exists(target) && ContentId.of(Files.readAllBytes(target)).equals(id)) {
                return new PutResult(id, false);
            }
            Files.createDirectories(target.getParent());
            Path part = tmp.resolve(UUID.randomUUID() + ".part");
            try {
                writeDurably(part, bitstream);
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
            fsyncDirectory(target.getParent());
            return new PutResult(id, true);
        } catch (IOException e) {
            throw new UncheckedIOException("store write failed for " + id, e);
        }
    }

    @Override
    public byte[] get(String id) {
        Path path = pathOf(ContentId.requireValid(id));
        try {
            long size = Files.size(path);
            if (size > maxObjectBytes) {
                throw new LicException(ErrorKind.STORE_CORRUPT, "stored object " + id + " is larger than any bitstream");
            }
            byte[] bytes = Files.readAllBytes(path);
            if (!ContentId.of(bytes).equals(id)) {
                throw new LicException(ErrorKind.STORE_CORRUPT, "stored object " + id + " failed its checksum");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw notFound(id);
        } catch (IOException e) {
            throw new UncheckedIOException("store read failed for " + id, e);
        }
    }

    @Override
    public List<StoredEntry> list(String afterId, int limit) {
        String after = afterId == null || afterId.isEmpty() ? "" : ContentId.requireValid(afterId);
        List<StoredEntry> page = new ArrayList<>();
        try (Stream<Path> shards = Files.list(objects)) {
            List<Path> sortedShards = shards.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().compareTo(after.isEmpty() ? "" : after.substring(0, 2)) >= 0)
                    .sorted().toList();
            for (Path shard : sortedShards) {
                try (Stream<Path> files = Files.list(shard)) {
                    for (Path file : files.sorted().toList()) {
                        String id = file.getFileName().toString();
                        if (id.compareTo(after) <= 0 || !id.matches("[0-9a-f]{64}")) {
                            continue;
                        }
                        page.add(describe(id, file));
                        if (page.size() == limit) {
                            return page;
                        }
                    }
                }
            }
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException("store listing failed", e);
        }
    }

    @Override
    public void delete(String id) {
        Path path = pathOf(ContentId.requireValid(id));
        try {
            if (!Files.deleteIfExists(path)) {
                throw notFound(id);
            }
            fsyncDirectory(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("store delete failed for " + id, e);
        }
    }

    private StoredEntry describe(String id, Path file) throws IOException {
        // Whole-object read: bitstreams are small and the header is trusted only after its CRC.
        long size = Files.size(file);
        if (size > maxObjectBytes) {
            return new StoredEntry(id, size, "", 0, 0);
        }
        try {
            BitstreamHeader h = BitstreamFormat.peekHeader(Files.readAllBytes(file));
            return new StoredEntry(id, size, h.codecId(), h.width(), h.height());
        } catch (LicException unreadable) {
            return new StoredEntry(id, size, "", 0, 0);
        }
    }

    private Path pathOf(String id) {
        return objects.resolve(id.substring(0, 2)).resolve(id);
    }

    private static LicException notFound(String id) {
        return new LicException(ErrorKind.NOT_FOUND, "no stored bitstream with id " + id);
    }

    private static void writeDurably(Path path, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static void fsyncDirectory(Path dir) {
        // Makes the rename durable on Linux; some platforms cannot open a directory, which is harmless.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }

    private void clearLeftoverTemporaries() throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmp, "*.part")) {
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        }
    }
}
