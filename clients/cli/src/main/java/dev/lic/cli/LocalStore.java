package dev.lic.cli;

import dev.lic.api.LicException;
import dev.lic.core.Limits;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.store.BitstreamStore;
import dev.lic.store.BitstreamStores;
import dev.lic.store.EntryDescriber;
import dev.lic.store.StoreConfig;

/**
 * A bitstream store opened in this process (the offline store commands): the store module's filesystem or S3
 * store, as the server opens it, with the server's default bitstream size limit and the same listing header.
 */
final class LocalStore implements AutoCloseable {
    private final BitstreamStore store;

    LocalStore(StoreConfig config) {
        this.store = BitstreamStores.open(config, Limits.DEFAULT_MAX_BITSTREAM_BYTES, LocalStore::header);
    }

    BitstreamStore store() {
        return store;
    }

    /** The header fields a listing shows; null for bytes that are not a valid bitstream. */
    private static EntryDescriber.Header header(byte[] object) {
        try {
            BitstreamHeader h = BitstreamFormat.peekHeader(object);
            return new EntryDescriber.Header(h.codecId(), h.width(), h.height());
        } catch (LicException unreadable) {
            return null;
        }
    }

    @Override
    public void close() {
        BitstreamStores.close(store);
    }
}
