package dev.lic.store;

/**
 * What a store listing shows of an object beyond its id and size: the bitstream header. The store only
 * holds bytes; the caller that knows the bitstream format (codec-core) supplies this, so the store
 * module depends on nothing but {@code lic-api}.
 */
@FunctionalInterface
public interface EntryDescriber {
    /** Describes nothing: listings carry ids and sizes only. */
    EntryDescriber NONE = object -> null;

    /** The header of a stored object, or null when the bytes are not a readable bitstream. */
    Header describe(byte[] object);

    record Header(String codecId, int width, int height) {}
}
