package dev.lic.store;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The adaptor registry on a filesystem (docs/adaptor-registry.md):
 * <pre>
 * DIR/CODEC_ID/NAME/VERSION/manifest.json, synthesis.onnx, ...   one folder per pack version
 * DIR/CODEC_ID/NAME/active.json                                 the active record
 * DIR/.changes                                                  rewritten after every change (polled)
 * </pre>
 * A version folder appears whole or not at all (written under a dot-named staging folder, fsynced, then
 * renamed); the active record is replaced atomically (temp file, fsync, rename, fsync of the folder).
 * Folders whose names start with a dot are staging folders, or leftovers of an interrupted write or delete:
 * never listed, and removed by this store's first {@link #listVersions()} (at start, before it writes;
 * later listings, such as a replica's polls, leave them alone since a write may be in progress). The record's tag is the SHA-256 of its bytes; the compare-and-set is atomic
 * within this process (one server per folder, as for the bitstream store).
 */
public final class FileSystemRegistryStore implements RegistryStore {
    /** The active record's file name in the adaptor's folder. */
    public static final String ACTIVE_FILE = "active.json";
    static final String CHANGES_FILE = ".changes";
    private static final System.Logger LOG = System.getLogger(FileSystemRegistryStore.class.getName());

    private final Path dir;
    private volatile boolean leftoversRemoved;

    /** A store at {@code dir}; the folder is created on first use. */
    public FileSystemRegistryStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** The folder of one version (it may not exist). */
    public Path versionDir(String codecId, String name, int version) {
        RegistryKeys.checkVersion(codecId, name, version);
        return adaptorDir(codecId, name).resolve(Integer.toString(version));
    }

    private Path adaptorDir(String codecId, String name) {
        RegistryKeys.checkAdaptor(codecId, name);
        return dir.resolve(codecId).resolve(name);
    }

    @Override
    public boolean hasAdaptor(String codecId, String name) {
        return Files.isDirectory(adaptorDir(codecId, name));
    }

    @Override
    public List<VersionKey> listVersions() {
        createRoot();
        boolean removeLeftovers = !leftoversRemoved;
        leftoversRemoved = true;
        List<VersionKey> found = new ArrayList<>();
        for (Path codec : children(dir)) {
            String codecId = codec.getFileName().toString();
            if (codecId.startsWith(".")) {
                continue;
            }
            if (!RegistryKeys.isCodecId(codecId) || !Files.isDirectory(codec)) {
                LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", codec);
                continue;
            }
            for (Path adaptor : children(codec)) {
                String name = adaptor.getFileName().toString();
                if (!RegistryKeys.isName(name) || !Files.isDirectory(adaptor)) {
                    LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", adaptor);
                    continue;
                }
                for (Path version : children(adaptor)) {
                    String v = version.getFileName().toString();
                    if (v.startsWith(".") && Files.isDirectory(version)) {
                        if (removeLeftovers) {
                            deleteTree(version);
                        }
                    } else if (RegistryKeys.isVersion(v) && Files.isDirectory(version)) {
                        found.add(new VersionKey(codecId, name, Integer.parseInt(v)));
                    } else if (!v.equals(ACTIVE_FILE) && !v.startsWith(".")) {
                        LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", version);
                    }
                }
            }
        }
        found.sort(Comparator.comparing(VersionKey::codecId).thenComparing(VersionKey::name)
                .thenComparingInt(VersionKey::version));
        return found;
    }

    private void createRoot() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LicException(ErrorKind.INTERNAL, "cannot create the adaptor repository " + dir + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
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

    @Override
    public byte[] readFile(String codecId, String name, int version, String file) throws IOException {
        RegistryKeys.checkFile(file);
        Path path = versionDir(codecId, name, version).resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString());
        }
        return Files.readAllBytes(path);
    }

    @Override
    public String describe(String codecId, String name, int version) {
        return versionDir(codecId, name, version).toString();
    }

    @Override
    public void writeVersion(String codecId, String name, int version, Map<String, byte[]> files) {
        Path target = versionDir(codecId, name, version);
        if (Files.exists(target)) {
            throw new LicException(ErrorKind.CONFLICT, "version " + version + " of adaptor " + name + " for codec "
                    + codecId + " is already stored");
        }
        Path staging = target.resolveSibling(".staging-" + version + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                RegistryKeys.checkFile(file.getKey());
                writeDurably(staging.resolve(file.getKey()), file.getValue());
            }
            fsyncDir(staging);
            move(staging, target);
            fsyncDir(target.getParent());
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            if (e instanceof LicException lic) {
                throw lic;
            }
            throw new LicException(ErrorKind.INTERNAL, "cannot store version " + version + " of adaptor " + name
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
        changed();
    }

    @Override
    public void deleteVersion(String codecId, String name, int version) {
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
        changed();
    }

    @Override
    public void deleteAdaptor(String codecId, String name) {
        deleteTree(adaptorDir(codecId, name));
        changed();
    }

    @Override
    public Optional<Tagged> readActive(String codecId, String name) {
        Path file = adaptorDir(codecId, name).resolve(ACTIVE_FILE);
        try {
            byte[] bytes = Files.readAllBytes(file);
            return Optional.of(new Tagged(bytes, ContentId.of(bytes)));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "adaptor repository: {0} cannot be read ({1})", file, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized String writeActive(String codecId, String name, byte[] record, String expectedTag) {
        String current = readActive(codecId, name).map(Tagged::tag).orElse(null);
        if (current == null ? expectedTag != null : !current.equals(expectedTag)) {
            throw new LicException(ErrorKind.CONFLICT, "the active record of adaptor " + name + " changed meanwhile"
                    + " (another server wrote it); retry");
        }
        Path folder = adaptorDir(codecId, name);
        Path file = folder.resolve(ACTIVE_FILE);
        Path temp = folder.resolve("." + ACTIVE_FILE + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(folder);
            writeDurably(temp, record);
            move(temp, file);
            fsyncDir(folder);
        } catch (IOException e) {
            deleteTree(temp);
            throw new LicException(ErrorKind.INTERNAL, "cannot write " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        changed();
        return ContentId.of(record);
    }

    @Override
    public String changeTag() {
        try {
            return new String(Files.readAllBytes(dir.resolve(CHANGES_FILE)), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException absent) {
            return "";
        }
    }

    /** Rewrites the change marker (best effort: a replica that misses it still sees the next change). */
    private void changed() {
        Path temp = dir.resolve(CHANGES_FILE + "-" + UUID.randomUUID());
        try {
            createRoot();
            Files.write(temp, UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            move(temp, dir.resolve(CHANGES_FILE));
        } catch (IOException | LicException e) {
            deleteTree(temp);
            LOG.log(System.Logger.Level.WARNING, "adaptor repository: cannot update {0} ({1})", CHANGES_FILE,
                    e.getMessage());
        }
    }

    private static void writeDurably(Path path, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
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
