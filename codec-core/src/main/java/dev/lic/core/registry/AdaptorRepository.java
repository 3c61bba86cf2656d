package dev.lic.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.pack.PackSource;
import dev.lic.store.FileSystemRegistryStore;
import dev.lic.store.RegistryStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The versioned adaptor repository (docs/adaptor-registry.md) over a {@link RegistryStore}: the filesystem
 * ({@code DIR/CODEC_ID/NAME/VERSION/...} and {@code DIR/CODEC_ID/NAME/active.json}) or an object store. This
 * class gives the stored bytes their meaning: pack versions as {@link PackSource}s, and the active record
 * {@code {"active": 2, "previous": [1]}}. It remembers the tag of each record it last read or wrote and
 * replaces a record only if it still carries that tag, so two servers sharing one store never overwrite
 * each other's activation unseen: the second gets CONFLICT. Not thread-safe for mutations: the registry
 * serializes them.
 */
public final class AdaptorRepository {
    /** The record of which version serves. */
    public static final String ACTIVE_FILE = FileSystemRegistryStore.ACTIVE_FILE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(AdaptorRepository.class.getName());

    private final RegistryStore store;
    /** The tag of each active record as last read or written here; absent = none seen. */
    private final Map<String, String> tags = new ConcurrentHashMap<>();

    /** A stored version, readable as a pack. */
    public record StoredVersion(String codecId, String name, int version, PackSource source) {
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

    /** The repository in folder {@code dir} (created on first use). */
    public AdaptorRepository(Path dir) {
        this(new FileSystemRegistryStore(dir));
    }

    public AdaptorRepository(RegistryStore store) {
        this.store = store;
    }

    public RegistryStore store() {
        return store;
    }

    /** Where a version lives, for messages. */
    public String describe(String codecId, String name, int version) {
        return store.describe(codecId, name, version);
    }

    /** Whether anything is stored for the adaptor (a version of it was ever stored and not all deleted). */
    public boolean hasAdaptor(String codecId, String name) {
        return store.hasAdaptor(codecId, name);
    }

    /** Every stored version, in (codec id, name, version) order. */
    public List<StoredVersion> scan() {
        List<StoredVersion> found = new ArrayList<>();
        for (RegistryStore.VersionKey key : store.listVersions()) {
            found.add(new StoredVersion(key.codecId(), key.name(), key.version(),
                    source(key.codecId(), key.name(), key.version())));
        }
        return found;
    }

    /** A stored version's files, read from the store when the pack loads. */
    public PackSource source(String codecId, String name, int version) {
        String where = store.describe(codecId, name, version);
        return new PackSource() {
            @Override
            public byte[] read(String file) throws IOException {
                PackSource.checkName(file);
                return store.readFile(codecId, name, version, file);
            }

            @Override
            public String describe() {
                return where;
            }

            @Override
            public String toString() {
                return where;
            }
        };
    }

    /**
     * Stores a version whole.
     *
     * @return the stored version as a pack source
     * @throws LicException CONFLICT when the version exists, INTERNAL or UNAVAILABLE when the store fails
     */
    public PackSource write(String codecId, String name, int version, Map<String, byte[]> files) {
        if (!BitstreamHeader.isCodecId(codecId)) {
            throw new IllegalArgumentException("not a codec id and adaptor name");
        }
        for (String file : files.keySet()) {
            PackSource.checkName(file);
        }
        store.writeVersion(codecId, name, version, files);
        return source(codecId, name, version);
    }

    /** Removes a version. */
    public void delete(String codecId, String name, int version) {
        store.deleteVersion(codecId, name, version);
    }

    /** Removes the adaptor and its record once it has no version left. */
    public void deleteAdaptor(String codecId, String name) {
        store.deleteAdaptor(codecId, name);
        tags.remove(key(codecId, name));
    }

    /** The active record, empty when there is none or it cannot be read (the registry then picks the newest). */
    public Optional<ActiveRecord> readActive(String codecId, String name) {
        Optional<RegistryStore.Tagged> stored = store.readActive(codecId, name);
        if (stored.isEmpty()) {
            tags.remove(key(codecId, name));
            return Optional.empty();
        }
        tags.put(key(codecId, name), stored.get().tag());
        try {
            JsonNode root = JSON.readTree(stored.get().bytes());
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
            LOG.log(System.Logger.Level.WARNING, "adaptor repository: the active record of {0} ({1}) cannot be read"
                    + " ({2}); the newest READY version serves", name, codecId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Replaces the active record if it is still the one this repository last read or wrote.
     *
     * @throws LicException CONFLICT when another server changed it meanwhile
     */
    public void writeActive(String codecId, String name, ActiveRecord record) {
        ObjectNode root = JSON.createObjectNode();
        root.put("active", record.active());
        record.previous().forEach(root.putArray("previous")::add);
        if (record.previous().isEmpty()) {
            root.putArray("previous");
        }
        byte[] bytes;
        try {
            bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new LicException(ErrorKind.INTERNAL, "cannot serialize the active record", e);
        }
        String tag = store.writeActive(codecId, name, bytes, tags.get(key(codecId, name)));
        tags.put(key(codecId, name), tag);
    }

    /** What {@link RegistryStore#changeTag()} says now. */
    public String changeTag() {
        return store.changeTag();
    }

    private static String key(String codecId, String name) {
        return codecId + "/" + name;
    }
}
