package dev.lic.store;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/** Opens the bitstream store a {@link StoreConfig} names, as the server does from the same settings. */
public final class BitstreamStores {
    private BitstreamStores() {}

    /**
     * A filesystem store here (no quota: the quota is the server's, counted by the one server writing to a
     * folder), or the store of the {@link StoreProvider} that opens {@code config.kind()}.
     *
     * @param maxObjectBytes a larger stored object is corrupt by definition (never read whole)
     * @throws LicException INVALID_ARGUMENT when no provider on the class path opens the kind; UNAVAILABLE
     *     when the store cannot be used (a missing bucket, refused credentials)
     */
    public static BitstreamStore open(StoreConfig config, int maxObjectBytes, EntryDescriber describer) {
        if (config.kind() == StoreConfig.Kind.FILESYSTEM) {
            return new FileSystemStore(Path.of(config.dir()), maxObjectBytes, FileSystemStore.Quota.NONE, describer);
        }
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, BitstreamStores.class.getClassLoader())) {
            if (provider.opens(config.kind())) {
                return provider.open(config, maxObjectBytes, describer);
            }
        }
        throw new LicException(ErrorKind.INVALID_ARGUMENT, "no " + config.kind().settingValue()
                + " store on the class path (it is in the lic-store-s3 module)");
    }

    /** Closes a store that holds connections (the S3 store); a filesystem store holds none. */
    public static void close(BitstreamStore store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.getLogger(BitstreamStores.class.getName()).log(System.Logger.Level.WARNING,
                        "closing the store failed: {0}", e.toString());
            }
        }
    }
}
