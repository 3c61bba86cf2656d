package dev.lic.store;

import java.util.List;

/**
 * Keeps bitstreams by content id (lowercase hex SHA-256 of the bytes). Implementations never expose a
 * half-written object and verify content against the id on every read.
 */
public interface BitstreamStore {

    /** Stores the bytes; idempotent. */
    PutResult put(byte[] bitstream);

    /** The stored bytes; {@code NOT_FOUND} if absent, {@code STORE_CORRUPT} if they fail the checksum
     * (and are not returned); {@code UNAVAILABLE} when the backing storage cannot be reached. */
    byte[] get(String id);

    /** Up to {@code limit} entries with id greater than {@code afterId} (empty = from the start), in id order. */
    List<StoredEntry> list(String afterId, int limit);

    /**
     * Up to {@code limit} ids greater than {@code afterId} (empty = from the start), in id order: a listing
     * without the header fields, which implementations that must read each object for them answer cheaper.
     */
    default List<String> ids(String afterId, int limit) {
        return list(afterId, limit).stream().map(StoredEntry::id).toList();
    }

    /** Removes the object; {@code NOT_FOUND} if absent. */
    void delete(String id);

    record PutResult(String id, boolean created) {}

    /** One stored object; the header fields are empty/zero if the object is not a readable bitstream. */
    record StoredEntry(String id, long sizeBytes, String codecId, int width, int height) {
        /** The entry for {@code object}, with the header fields {@code describer} reads (empty if none). */
        public static StoredEntry of(String id, long sizeBytes, EntryDescriber describer, byte[] object) {
            EntryDescriber.Header h;
            try {
                h = describer.describe(object);
            } catch (RuntimeException unreadable) {
                h = null;
            }
            return h == null ? new StoredEntry(id, sizeBytes, "", 0, 0)
                    : new StoredEntry(id, sizeBytes, h.codecId(), h.width(), h.height());
        }
    }
}
