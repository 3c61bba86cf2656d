package dev.lic.cli;

import dev.lic.store.StoreConfig;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * For the store commands (put, get, ls, rm): the server's store over gRPC, or with {@code --offline} (or any
 * store option) the store named by the {@link StoreOptions} opened in this process.
 */
final class OfflineStoreOption {
    @Option(names = "--offline", description = "use the store named by --store-dir / --store-s3-* in this process "
            + "instead of calling a server (implied by those options)")
    boolean offline;

    @Mixin
    StoreOptions store;

    /** The store to open here; empty: call the server. */
    Optional<StoreConfig> local() {
        return offline ? Optional.of(store.required()) : store.store();
    }
}
