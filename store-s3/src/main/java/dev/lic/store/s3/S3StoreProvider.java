package dev.lic.store.s3;

import dev.lic.store.BitstreamStore;
import dev.lic.store.EntryDescriber;
import dev.lic.store.StoreConfig;
import dev.lic.store.StoreProvider;

/** Opens {@code kind = s3} stores for {@link dev.lic.store.BitstreamStores}; credentials from the standard chain. */
public final class S3StoreProvider implements StoreProvider {
    @Override
    public boolean opens(StoreConfig.Kind kind) {
        return kind == StoreConfig.Kind.S3;
    }

    @Override
    public BitstreamStore open(StoreConfig config, int maxObjectBytes, EntryDescriber describer) {
        return new S3BitstreamStore(S3Settings.of(config), maxObjectBytes, describer);
    }
}
