package dev.lic.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.pack.PackSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned adaptor repository on a filesystem (docs/adaptor-registry.md):
 * <pre>
 * DIR/CODEC_ID/NAME/VERSION/manifest.json, synthesis.onnx, ...   one folder per pack version
 * DIR/CODEC_ID/NAME/active.json                                 {"active": 2, "previous": [1]}
 * </pre>
 * A version folder appears whole or not at all (written under a dot-named staging folder, fsynced,
 * then renamed); {@code active.json} is replaced atomically (temp file, fsync, rename, fsync of the
 * folder). Folders whose names start with a dot are leftovers of an interrupted write or delete and are
 * removed by {@link #scan()}. Not thread-safe: the registry serializes mutations.
 */
public final class AdaptorRepository {
    /** The record of which version serves. */
    public static final String ACTIVE_FILE = "active.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final System.Logger LOG = System.getLogger(AdaptorRepository.class.getName());

    private final Path dir;

    /** A version folder found by {@link #scan()}. */
    public record StoredVersion(String codecId, String name, int version, Path dir) {
    }

    /**
     * Which version serves, and the versions that served before it (most recent last), what
     * {@code Rollback} goes back to.
     */
    public record ActiveRecord(int active, List<Integer> previous) {
        public ActiveRecord {
            previous = List.copyOf(previous);
        }
    }

    /** Opens (creating it if absent) the repository at {@code dir}. */
    public AdaptorRepository(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new LicException(ErrorKind.INTERNAL, "cannot create the adaptor repository " + this.dir + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The folder of one version (it may not exist). */
    public Path versionDir(String codecId, String name, int version) {
        return adaptorDir(codecId, name).resolve(Integer.toString(version));
    }

    private Path adaptorDir(String codecId, String name) {
        if (!BitstreamHeader.isCodecId(codecId) || name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a codec id and adaptor name");
        }
        return dir.resolve(codecId).resolve(name);
    }

    /** Whether any folder exists for the adaptor (a version of it was ever stored and not all deleted). */
    public boolean hasAdaptor(String codecId, String name) {
        return Files.isDirectory(adaptorDir(codecId, name));
    }

    /** Every stored version, in (codec id, name, version) order; removes leftovers of interrupted writes. */
    public List<StoredVersion> scan() {
        List<StoredVersion> found = new ArrayList<>();
        for (Path codec : children(dir)) {
            String codecId = codec.getFileName().toString();
            if (!BitstreamHeader.isCodecId(codecId) || !Files.isDirectory(codec)) {
                LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", codec);
                continue;
            }
            for (Path adaptor : children(codec)) {
                String name = adaptor.getFileName().toString();
                if (!NAME.matcher(name).matches() || !Files.isDirectory(adaptor)) {
                    LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", adaptor);
                    continue;
                }
                for (Path version : children(adaptor)) {
                    String v = version.getFileName().toString();
                    if (v.startsWith(".") && Files.isDirectory(version)) {
                        deleteTree(version);
                    } else if (VERSION.matcher(v).matches() && Files.isDirectory(version)) {
                        found.add(new StoredVersion(codecId, name, Integer.parseInt(v), version));
                    } else if (!v.equals(ACTIVE_FILE) && !v.startsWith(".")) {
                        LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", version);
                    }
                }
            }
        }
        found.sort(Comparator.comparing(StoredVersion::codecId).thenComparing(StoredVersion::name)
                .thenComparingInt(StoredVersion::version));
        return found;
    }

    private static List<Path> children(Path folder) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(out::add);
        } catch (IOException e) {
            throw new LicException(ErrorKind.INTERNAL, "cannot list " + folder + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * Writes a version folder whole: files into a staging folder, each fsynced, then one rename.
     *
     * @throws LicException CONFLICT when the version folder exists, INTERNAL on an I/O failure
     */
    public Path write(String codecId, String name, int version, Map<String, byte[]> files) {
        Path target = versionDir(codecId, name, version);
        if (Files.exists(target)) {
            throw new LicException(ErrorKind.CONFLICT, "version " + version + " of adaptor " + name + " for codec "
                    + codecId + " is already stored");
        }
        Path staging = target.resolveSibling(".staging-" + version + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                PackSource.checkName(file.getKey());
                Path path = staging.resolve(file.getKey());
                try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(file.getValue());
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
            }
            fsyncDir(staging);
            move(staging, target);
            fsyncDir(target.getParent());
            return target;
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            if (e instanceof LicException lic) {
                throw lic;
            }
            throw new LicException(ErrorKind.INTERNAL, "cannot store version " + version + " of adaptor " + name
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Removes a version folder: renamed aside first (one atomic step), then deleted. */
    public void delete(String codecId, String name, int version) {
        Path target = versionDir(codecId, name, version);
        if (!Files.exists(target)) {
            return;
        }
        Path aside = target.resolveSibling(".deleted-" + version + "-" + UUID.randomUUID());
        try {
            move(target, aside);
            fsyncDir(target.getParent());
        } catch (IOException e) {
            throw new LicException(ErrorKind.INTERNAL, "cannot delete version " + version + " of adaptor " + name
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
        deleteTree(aside);
    }

    /** Removes the adaptor's folder and record once it has no version left. */
    public void deleteAdaptor(String codecId, String name) {
        deleteTree(adaptorDir(codecId, name));
    }

    /** The active record, empty when there is none or it cannot be read (the registry then picks the newest). */
    public Optional<ActiveRecord> readActive(String codecId, String name) {
        Path file = adaptorDir(codecId, name).resolve(ACTIVE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            if (root == null || !root.path("active").isInt()) {
                throw new IOException("no active version");
            }
            List<Integer> previous = new ArrayList<>();
            root.path("previous").forEach(n -> {
                if (n.isInt()) {
                    previous.add(n.intValue());
                }
            });
            return Optional.of(new ActiveRecord(root.path("active").intValue(), previous));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "adaptor repository: {0} cannot be read ({1}); the newest READY"
                    + " version serves", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Replaces the active record atomically: temp file, fsync, rename, fsync of the folder. */
    public void writeActive(String codecId, String name, ActiveRecord record) {
        Path folder = adaptorDir(codecId, name);
        Path file = folder.resolve(ACTIVE_FILE);
        Path temp = folder.resolve("." + ACTIVE_FILE + "-" + UUID.randomUUID());
        ObjectNode root = JSON.createObjectNode();
        root.put("active", record.active());
        record.previous().forEach(root.putArray("previous")::add);
        if (record.previous().isEmpty()) {
            root.putArray("previous");
        }
        try {
            Files.createDirectories(folder);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
                out.force(true);
            }
            move(temp, file);
            fsyncDir(folder);
        } catch (IOException e) {
            deleteTree(temp);
            throw new LicException(ErrorKind.INTERNAL, "cannot write " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Makes a rename or a new entry durable; a platform that cannot open folders (Windows) skips it. */
    private static void fsyncDir(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove {0} ({1})", root, e.getMessage());
        }
    }
}
