package dev.lic.store;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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
 *
 * <p>A new object is published with a hard link from its temporary file, which fails if the name exists:
 * of concurrent Puts of the same bytes exactly one reports {@code created}. A {@link Quota} on total bytes
 * and object count is checked (and the space reserved) before anything is written; usage is counted at
 * start-up and kept by this process, so the store folder should have one server writing to it.
 */
public final class FileSystemStore implements BitstreamStore {
    private static final System.Logger LOG = System.getLogger(FileSystemStore.class.getName());

    /** Store quota; 0 in a field means no limit on it. */
    public record Quota(long maxBytes, long maxObjects) {
        public static final Quota NONE = new Quota(0, 0);

        public Quota {
            if (maxBytes < 0 || maxObjects < 0) {
                throw new IllegalArgumentException("quota must be >= 0 (0 = no limit)");
            }
        }
    }

    private final Path objects;
    private final Path tmp;
    private final int maxObjectBytes;
    private final Quota quota;
    private final EntryDescriber describer;
    /** Bytes and objects stored plus those reserved by Puts in progress; guarded by {@code this}. */
    private long usedBytes;
    private long usedObjects;

    public FileSystemStore(Path root, int maxObjectBytes) {
        this(root, maxObjectBytes, Quota.NONE, EntryDescriber.NONE);
    }

    public FileSystemStore(Path root, int maxObjectBytes, Quota quota) {
        this(root, maxObjectBytes, quota, EntryDescriber.NONE);
    }

    /**
     * @param maxObjectBytes a larger stored object is corrupt by definition (never read whole)
     * @param describer reads the header fields listings show
     */
    public FileSystemStore(Path root, int maxObjectBytes, Quota quota, EntryDescriber describer) {
        this.describer = describer;
        this.objects = root.resolve("objects");
        this.tmp = root.resolve("tmp");
        this.maxObjectBytes = maxObjectBytes;
        this.quota = quota;
        try {
            Files.createDirectories(objects);
            Files.createDirectories(tmp);
            clearLeftoverTemporaries();
            countUsage();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare store at " + root, e);
        }
    }

    @Override
    public PutResult put(byte[] bitstream) {
        String id = ContentId.of(bitstream);
        Path target = pathOf(id);
        try {
            if (holds(target, id)) {
                return new PutResult(id, false);
            }
            boolean repair = Files.exists(target);
            if (repair && holds(target, id)) {
                // A concurrent Put of the same bytes published it between the two checks: that one created it.
                return new PutResult(id, false);
            }
            if (!repair) {
                reserve(bitstream.length);
            }
            boolean created = false;
            try {
                Files.createDirectories(target.getParent());
                Path part = tmp.resolve(UUID.randomUUID() + ".part");
                try {
                    writeDurably(part, bitstream);
                    if (repair) {
                        // The object there failed its checksum: replace it with the good bytes.
                        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        created = true;
                    } else {
                        created = publish(part, target);
                    }
                } finally {
                    Files.deleteIfExists(part);
                }
            } finally {
                if (!repair && !created) {
                    release(bitstream.length);
                }
            }
            if (created) {
                fsyncDirectory(target.getParent());
            }
            return new PutResult(id, created);
        } catch (IOException e) {
            throw new UncheckedIOException("store write failed for " + id, e);
        }
    }

    /**
     * Makes {@code part} visible as {@code target} unless that name exists; true when this call made it. A hard
     * link fails atomically on an existing name, also across processes; where the file system has no hard links,
     * a rename under this store's lock does the same within this process.
     */
    private boolean publish(Path part, Path target) throws IOException {
        try {
            Files.createLink(target, part);
            return true;
        } catch (FileAlreadyExistsException raced) {
            // Another Put of the same bytes published first: that one is the creation.
            return false;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            synchronized (this) {
                if (Files.exists(target)) {
                    return false;
                }
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
        }
    }

    /** Bytes and objects stored now (including Puts in progress). */
    public synchronized long[] usage() {
        return new long[] {usedBytes, usedObjects};
    }

    private static boolean holds(Path target, String id) throws IOException {
        try {
            return ContentId.of(Files.readAllBytes(target)).equals(id);
        } catch (NoSuchFileException absent) {
            return false;
        }
    }

    private synchronized void reserve(long bytes) {
        if (quota.maxObjects() > 0 && usedObjects + 1 > quota.maxObjects()) {
            throw new LicException(ErrorKind.STORE_FULL, "the store holds " + usedObjects
                    + " objects, its quota (lic.store.max-objects) is " + quota.maxObjects());
        }
        if (quota.maxBytes() > 0 && usedBytes + bytes > quota.maxBytes()) {
            throw new LicException(ErrorKind.STORE_FULL, "storing " + bytes + " more bytes would exceed the store's "
                    + "quota of " + quota.maxBytes() + " bytes (lic.store.max-bytes); " + usedBytes + " are used");
        }
        usedBytes += bytes;
        usedObjects++;
    }

    private synchronized void release(long bytes) {
        usedBytes -= bytes;
        usedObjects--;
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

    /**
     * Anything in the store folder that is not an object (a stray file or folder, a name that is not a content
     * id or not in its shard) is skipped with a log line: a listing never fails because of it.
     */
    @Override
    public List<StoredEntry> list(String afterId, int limit) {
        String after = afterId == null || afterId.isEmpty() ? "" : ContentId.requireValid(afterId);
        String afterShard = after.isEmpty() ? "" : after.substring(0, 2);
        List<StoredEntry> page = new ArrayList<>();
        try (Stream<Path> shards = Files.list(objects)) {
            List<Path> sortedShards = shards.filter(p -> isShard(p) || skipped(p))
                    .filter(p -> p.getFileName().toString().compareTo(afterShard) >= 0)
                    .sorted().toList();
            for (Path shard : sortedShards) {
                try (Stream<Path> files = Files.list(shard)) {
                    for (Path file : files.sorted().toList()) {
                        String id = file.getFileName().toString();
                        if (!isObject(shard, file, id)) {
                            skipped(file);
                            continue;
                        }
                        if (id.compareTo(after) <= 0) {
                            continue;
                        }
                        try {
                            page.add(describe(id, file));
                        } catch (NoSuchFileException deletedMeanwhile) {
                            continue;
                        }
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

    private static boolean isShard(Path p) {
        return Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && p.getFileName().toString().matches("[0-9a-f]{2}");
    }

    private static boolean isObject(Path shard, Path file, String id) {
        return id.matches("[0-9a-f]{64}") && id.startsWith(shard.getFileName().toString())
                && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** Logs a path the listing skips; always false, for use in a filter. */
    private boolean skipped(Path p) {
        LOG.log(System.Logger.Level.WARNING, "store listing skips {0}: not a stored object", objects.relativize(p));
        return false;
    }

    @Override
    public void delete(String id) {
        Path path = pathOf(ContentId.requireValid(id));
        try {
            long size;
            try {
                size = Files.size(path);
            } catch (NoSuchFileException absent) {
                throw notFound(id);
            }
            if (!Files.deleteIfExists(path)) {
                throw notFound(id);
            }
            release(size);
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
        return StoredEntry.of(id, size, describer, Files.readAllBytes(file));
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

    private void countUsage() throws IOException {
        try (Stream<Path> shards = Files.list(objects)) {
            for (Path shard : shards.filter(FileSystemStore::isShard).toList()) {
                try (Stream<Path> files = Files.list(shard)) {
                    for (Path file : files.toList()) {
                        if (isObject(shard, file, file.getFileName().toString())) {
                            usedBytes += Files.size(file);
                            usedObjects++;
                        }
                    }
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "store holds {0} objects, {1} bytes (quota: {2})", usedObjects, usedBytes,
                quota);
    }

    private void clearLeftoverTemporaries() throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmp, "*.part")) {
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        }
    }
}
