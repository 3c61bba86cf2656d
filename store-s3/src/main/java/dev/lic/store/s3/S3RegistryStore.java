package dev.lic.store.s3;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.RegistryKeys;
import dev.lic.store.RegistryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The adaptor registry in an S3 bucket (docs/deployment.md):
 * <pre>
 * PREFIX/adaptors/CODEC_ID/NAME/VERSION/UPLOAD/FILE      a version's files, under the id of the upload
 * PREFIX/adaptors/CODEC_ID/NAME/VERSION.committed        the commit marker: names the upload; listed = stored
 * PREFIX/adaptors/CODEC_ID/NAME/active.json              the active record, replaced with If-Match
 * PREFIX/adaptors/.changes                               rewritten after every change; replicas poll its ETag
 * </pre>
 * S3 has no multi-object transaction, so a version is published by its marker, written last with
 * {@code If-None-Match: *} (of two servers storing the same version one wins, and the files the marker
 * names are the winner's own) and deleted first. Files of an upload that never got its marker are never
 * read, and are removed with the version. The active record's tag is its ETag.
 */
public final class S3RegistryStore implements RegistryStore, AutoCloseable {
    static final String DIR = "adaptors/";
    static final String CHANGES = DIR + ".changes";
    private static final String COMMITTED = ".committed";
    private static final String ACTIVE = "active.json";
    /** Larger than any pack file the server accepts (lic.adaptors.max-pack-bytes). */
    private static final long MAX_FILE_BYTES = 1L << 30;
    private static final int MAX_LISTED = 100_000;
    private static final System.Logger LOG = System.getLogger(S3RegistryStore.class.getName());

    private final S3Objects s3;
    /** The upload each committed version's marker names; a committed version never changes. */
    private final Map<String, String> uploads = new ConcurrentHashMap<>();

    /**
     * Connects and checks the bucket.
     *
     * @throws LicException UNAVAILABLE, with what to fix, when the bucket is missing, the credentials are
     *     refused or the endpoint cannot be reached
     */
    public S3RegistryStore(S3Settings settings) {
        this.s3 = S3Objects.connectChecked(settings);
    }

    private String adaptorKey(String codecId, String name) {
        RegistryKeys.checkAdaptor(codecId, name);
        return s3.key(DIR + codecId + "/" + name + "/");
    }

    private String versionKey(String codecId, String name, int version) {
        RegistryKeys.checkVersion(codecId, name, version);
        return adaptorKey(codecId, name) + version;
    }

    @Override
    public List<VersionKey> listVersions() {
        String root = s3.key(DIR);
        List<VersionKey> found = new ArrayList<>();
        for (S3Object o : s3.list(root, null, MAX_LISTED, "listing adaptor versions")) {
            String[] parts = o.key().substring(root.length()).split("/");
            if (parts.length == 3 && parts[2].endsWith(COMMITTED)) {
                String v = parts[2].substring(0, parts[2].length() - COMMITTED.length());
                try {
                    RegistryKeys.checkAdaptor(parts[0], parts[1]);
                    int version = Integer.parseInt(v);
                    RegistryKeys.checkVersion(parts[0], parts[1], version);
                    found.add(new VersionKey(parts[0], parts[1], version));
                } catch (IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.WARNING, "adaptor repository: ignoring {0}", o.key());
                }
            }
        }
        found.sort(Comparator.comparing(VersionKey::codecId).thenComparing(VersionKey::name)
                .thenComparingInt(VersionKey::version));
        return found;
    }

    @Override
    public boolean hasAdaptor(String codecId, String name) {
        return !s3.list(adaptorKey(codecId, name), null, 1, "listing adaptor " + name).isEmpty();
    }

    @Override
    public byte[] readFile(String codecId, String name, int version, String file) throws NoSuchFileException {
        RegistryKeys.checkFile(file);
        String where = versionKey(codecId, name, version);
        String upload = uploads.get(where);
        if (upload == null) {
            upload = markerUpload(where).orElseThrow(() -> new NoSuchFileException(where + " (no such version)"));
            uploads.put(where, upload);
        }
        String key = where + "/" + upload + "/" + file;
        try {
            return s3.get(key, MAX_FILE_BYTES, "reading " + key).orElseThrow(() -> new NoSuchFileException(key))
                    .bytes();
        } catch (S3Objects.TooLarge e) {
            throw new LicException(ErrorKind.INVALID_PACK, key + " is larger than any pack file");
        }
    }

    @Override
    public String describe(String codecId, String name, int version) {
        return "s3://" + s3.settings.bucket() + "/" + versionKey(codecId, name, version);
    }

    @Override
    public void writeVersion(String codecId, String name, int version, Map<String, byte[]> files) {
        String where = versionKey(codecId, name, version);
        if (s3.head(where + COMMITTED, "checking " + where).isPresent()) {
            throw exists(codecId, name, version);
        }
        String upload = UUID.randomUUID().toString();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            RegistryKeys.checkFile(file.getKey());
        }
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                s3.put(where + "/" + upload + "/" + file.getKey(), file.getValue(), null, null,
                        "storing " + file.getKey() + " of " + where);
            }
            try {
                s3.put(where + COMMITTED, upload.getBytes(StandardCharsets.UTF_8), null, "*", "committing " + where);
            } catch (LicException e) {
                // A retried attempt finds the marker its own timed-out attempt wrote: that is success.
                if (e.kind() != ErrorKind.CONFLICT || !upload.equals(markerUpload(where).orElse(null))) {
                    throw e;
                }
            }
        } catch (LicException e) {
            deleteUnder(where + "/" + upload + "/");
            throw e.kind() == ErrorKind.CONFLICT ? exists(codecId, name, version) : e;
        }
        uploads.put(where, upload);
        changed();
    }

    private Optional<String> markerUpload(String where) {
        return s3.get(where + COMMITTED, 256, "reading the marker of " + where)
                .map(t -> new String(t.bytes(), StandardCharsets.UTF_8).trim());
    }

    private static LicException exists(String codecId, String name, int version) {
        return new LicException(ErrorKind.CONFLICT, "version " + version + " of adaptor " + name + " for codec "
                + codecId + " is already stored");
    }

    @Override
    public void deleteVersion(String codecId, String name, int version) {
        String where = versionKey(codecId, name, version);
        if (s3.head(where + COMMITTED, "checking " + where).isEmpty()) {
            return;
        }
        s3.delete(where + COMMITTED, "deleting " + where); // gone from listings in this one step
        uploads.remove(where);
        deleteUnder(where + "/");
        changed();
    }

    @Override
    public void deleteAdaptor(String codecId, String name) {
        String root = adaptorKey(codecId, name);
        List<S3Object> all = s3.list(root, null, MAX_LISTED, "listing adaptor " + name);
        // Markers first: every version leaves the listings before any file goes.
        all.stream().filter(o -> o.key().endsWith(COMMITTED)).forEach(o -> s3.delete(o.key(), "deleting " + o.key()));
        all.stream().filter(o -> !o.key().endsWith(COMMITTED)).forEach(o -> s3.delete(o.key(), "deleting " + o.key()));
        uploads.keySet().removeIf(k -> k.startsWith(root));
        changed();
    }

    private void deleteUnder(String prefix) {
        try {
            for (S3Object o : s3.list(prefix, null, MAX_LISTED, "listing " + prefix)) {
                s3.delete(o.key(), "deleting " + o.key());
            }
        } catch (LicException e) {
            // Unreferenced files are never read; the next delete of this version removes them.
            LOG.log(System.Logger.Level.WARNING, "adaptor repository: cannot remove {0}: {1}", prefix, e.getMessage());
        }
    }

    @Override
    public Optional<Tagged> readActive(String codecId, String name) {
        String key = adaptorKey(codecId, name) + ACTIVE;
        return s3.get(key, 1 << 20, "reading " + key).map(t -> new Tagged(t.bytes(), t.etag()));
    }

    @Override
    public String writeActive(String codecId, String name, byte[] record, String expectedTag) {
        String key = adaptorKey(codecId, name) + ACTIVE;
        String tag;
        try {
            tag = expectedTag == null ? s3.put(key, record, null, "*", "writing " + key)
                    : s3.put(key, record, expectedTag, null, "writing " + key);
        } catch (LicException e) {
            // A retried attempt may find the record its own timed-out attempt wrote: the same bytes are success.
            Optional<Tagged> now = e.kind() == ErrorKind.CONFLICT ? readActive(codecId, name) : Optional.empty();
            if (now.isPresent() && java.util.Arrays.equals(now.get().bytes(), record)) {
                changed();
                return now.get().tag();
            }
            if (e.kind() == ErrorKind.CONFLICT) {
                throw new LicException(ErrorKind.CONFLICT, "the active record of adaptor " + name + " changed"
                        + " meanwhile (another server wrote it); retry");
            }
            throw e;
        }
        changed();
        return tag;
    }

    @Override
    public String changeTag() {
        return s3.head(s3.key(CHANGES), "checking " + CHANGES).orElse("");
    }

    /** Rewrites the change marker (best effort: a replica that misses it still sees the next change). */
    private void changed() {
        try {
            s3.put(s3.key(CHANGES), UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), null, null,
                    "writing " + CHANGES);
        } catch (LicException e) {
            LOG.log(System.Logger.Level.WARNING, "adaptor repository: cannot update {0}: {1}", CHANGES, e.getMessage());
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
