package dev.lic.jobs.spark;

import dev.lic.store.StoreConfig;

/**
 * Bitstreams into the shared bitstream store (filesystem or S3, {@link StoreConfig}): the store the server
 * serves, so a replica decodes them by id as soon as the task has written them. Each executor opens the
 * store once ({@link ExecutorStores}); the store writes atomically and verifies content against the id.
 */
final class StoreSink implements BitstreamSink {
    private static final long serialVersionUID = 1L;

    private final StoreConfig store;
    private final int maxObjectBytes;

    StoreSink(StoreConfig store, int maxObjectBytes) {
        this.store = store;
        this.maxObjectBytes = maxObjectBytes;
    }

    /** Opens the store here (on the driver) so that a missing bucket or refused credentials stop the job first. */
    StoreSink check() {
        ExecutorStores.store(store, maxObjectBytes);
        return this;
    }

    @Override
    public String put(byte[] bitstream) {
        return ExecutorStores.store(store, maxObjectBytes).put(bitstream).id();
    }

    @Override
    public String describe() {
        return "store " + store.describe();
    }
}
