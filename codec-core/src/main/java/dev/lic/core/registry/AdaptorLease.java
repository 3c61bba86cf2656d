package dev.lic.core.registry;

import dev.lic.core.adaptor.TaskAdaptor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on one adaptor version: while any lease is open the version's sessions stay open,
 * even after it stopped being active or was deleted. Close it when the request is done (try-with-resources);
 * closing twice is harmless.
 */
public final class AdaptorLease implements AutoCloseable {
    private final PackRegistry.Loaded loaded;
    private final AtomicBoolean released = new AtomicBoolean();

    AdaptorLease(PackRegistry.Loaded loaded) {
        this.loaded = loaded;
    }

    public String codecId() {
        return loaded.codecId;
    }

    public String name() {
        return loaded.name;
    }

    public int version() {
        return loaded.version;
    }

    /** The adaptor; usable until this lease is closed. */
    public TaskAdaptor adaptor() {
        if (released.get()) {
            throw new IllegalStateException("lease already closed");
        }
        return loaded.adaptor;
    }

    /** Whether the version's sessions have been closed (no registry reference and no lease left). */
    public boolean adaptorClosed() {
        return loaded.closed();
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            loaded.release();
        }
    }
}
