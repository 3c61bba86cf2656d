package dev.lic.store.s3;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.BitstreamStore;
import dev.lic.store.ContentId;
import dev.lic.store.EntryDescriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Bitstreams in an S3 bucket under content-addressed keys {@code PREFIX/bitstreams/<sha256>}.
 *
 * <p>A PUT or a completed multipart upload makes an object visible whole, so no partial bitstream is ever
 * listed or read. Every read re-hashes the bytes: an object whose content does not match its key is
 * STORE_CORRUPT (DATA_LOSS) and is not served; a Put of the right bytes replaces it. A new object is
 * written with {@code If-None-Match: *}, so of concurrent Puts of the same bytes (from any replica) one
 * reports {@code created}. No quota is kept here: replicas cannot count a shared bucket cheaply; use the
 * bucket's own limits and lifecycle rules.
 */
public final class S3BitstreamStore implements BitstreamStore, AutoCloseable {
    static final String DIR = "bitstreams/";
    private static final System.Logger LOG = System.getLogger(S3BitstreamStore.class.getName());

    private final S3Objects s3;
    private final int maxObjectBytes;
    private final EntryDescriber describer;

    /**
     * Connects and checks the bucket.
     *
     * @throws LicException UNAVAILABLE, with what to fix, when the bucket is missing, the credentials are
     *     refused or the endpoint cannot be reached
     */
    public S3BitstreamStore(S3Settings settings, int maxObjectBytes, EntryDescriber describer) {
        this.s3 = S3Objects.connectChecked(settings);
        this.maxObjectBytes = maxObjectBytes;
        this.describer = describer;
    }

    @Override
    public PutResult put(byte[] bitstream) {
        String id = ContentId.of(bitstream);
        String key = s3.key(DIR + id);
        Optional<String> existing = s3.head(key, "checking bitstream " + id);
        if (existing.isPresent()) {
            if (holds(key, id)) {
                return new PutResult(id, false);
            }
            // The object there fails its checksum: replace it with the good bytes.
            s3.put(key, bitstream, null, null, "repairing bitstream " + id);
            return new PutResult(id, true);
        }
        if (bitstream.length >= s3.settings.multipartThreshold()) {
            s3.put(key, bitstream, null, null, "storing bitstream " + id);
            return new PutResult(id, true);
        }
        try {
            s3.put(key, bitstream, null, "*", "storing bitstream " + id);
            return new PutResult(id, true);
        } catch (LicException e) {
            if (e.kind() == ErrorKind.CONFLICT) {
                return new PutResult(id, false); // another Put of the same bytes published it first
            }
            throw e;
        }
    }

    private boolean holds(String key, String id) {
        try {
            return s3.get(key, maxObjectBytes, "reading bitstream " + id)
                    .map(t -> ContentId.of(t.bytes()).equals(id)).orElse(false);
        } catch (S3Objects.TooLarge e) {
            return false;
        }
    }

    @Override
    public byte[] get(String id) {
        ContentId.requireValid(id);
        Optional<S3Objects.Tagged> object;
        try {
            object = s3.get(s3.key(DIR + id), maxObjectBytes, "reading bitstream " + id);
        } catch (S3Objects.TooLarge e) {
            throw new LicException(ErrorKind.STORE_CORRUPT, "stored object " + id + " is larger than any bitstream");
        }
        byte[] bytes = object.orElseThrow(() -> notFound(id)).bytes();
        if (!ContentId.of(bytes).equals(id)) {
            LOG.log(System.Logger.Level.ERROR, "stored object {0} in {1} does not match its key; not served", id,
                    s3.settings.where());
            throw new LicException(ErrorKind.STORE_CORRUPT, "stored object " + id + " failed its checksum");
        }
        return bytes;
    }

    /** Keys that are not content ids are skipped with a log line; each listed object is read for its header. */
    @Override
    public List<StoredEntry> list(String afterId, int limit) {
        return listIds(afterId, limit).stream().map(o -> describe(o.id(), o.sizeBytes())).toList();
    }

    /** As {@link #list} from the listing alone: no object is read. */
    @Override
    public List<String> ids(String afterId, int limit) {
        return listIds(afterId, limit).stream().map(StoredEntry::id).toList();
    }

    /** Ids and sizes from the bucket listing; the header fields empty. */
    private List<StoredEntry> listIds(String afterId, int limit) {
        String after = afterId == null || afterId.isEmpty() ? null : s3.key(DIR + ContentId.requireValid(afterId));
        List<StoredEntry> page = new ArrayList<>();
        String cursor = after;
        while (page.size() < limit) {
            List<S3Object> objects = s3.list(s3.key(DIR), cursor, limit - page.size(), "listing bitstreams");
            if (objects.isEmpty()) {
                break;
            }
            for (S3Object o : objects) {
                cursor = o.key();
                String id = o.key().substring(s3.key(DIR).length());
                if (!id.matches("[0-9a-f]{64}")) {
                    LOG.log(System.Logger.Level.WARNING, "store listing skips {0}: not a stored object", o.key());
                    continue;
                }
                page.add(new StoredEntry(id, o.size(), "", 0, 0));
            }
        }
        return page;
    }

    private StoredEntry describe(String id, long size) {
        if (size > maxObjectBytes) {
            return new StoredEntry(id, size, "", 0, 0);
        }
        try {
            Optional<S3Objects.Tagged> object = s3.get(s3.key(DIR + id), maxObjectBytes, "reading bitstream " + id);
            return object.map(t -> StoredEntry.of(id, size, describer, t.bytes()))
                    .orElse(new StoredEntry(id, size, "", 0, 0));
        } catch (S3Objects.TooLarge e) {
            return new StoredEntry(id, size, "", 0, 0);
        }
    }

    @Override
    public void delete(String id) {
        String key = s3.key(DIR + ContentId.requireValid(id));
        if (s3.head(key, "checking bitstream " + id).isEmpty()) {
            throw notFound(id);
        }
        s3.delete(key, "deleting bitstream " + id);
    }

    private static LicException notFound(String id) {
        return new LicException(ErrorKind.NOT_FOUND, "no stored bitstream with id " + id);
    }

    @Override
    public void close() {
        s3.close();
    }
}
