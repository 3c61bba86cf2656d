package dev.lic.store;

/**
 * Opens a kind of store that lives in another module, found with {@link java.util.ServiceLoader}: the S3
 * store in {@code lic-store-s3} registers one, so this module (and what only needs the filesystem store)
 * stays free of the AWS SDK.
 */
public interface StoreProvider {
    /** Whether this provider opens stores of {@code kind}. */
    boolean opens(StoreConfig.Kind kind);

    /**
     * Opens the store and checks it can be used (for S3: the bucket exists and the credentials are accepted).
     *
     * @throws dev.lic.api.LicException UNAVAILABLE with what to fix when it cannot be used
     */
    BitstreamStore open(StoreConfig config, int maxObjectBytes, EntryDescriber describer);
}
