package dev.lic.core;

/**
 * How a caller tells codec-core to stop a request: the gRPC server passes one backed by the call's
 * {@code io.grpc.Context} (client cancel, deadline), other callers {@link #NONE}. codec-core has no gRPC
 * dependency; it polls {@link #isCancelled()} between stages and between synthesis tiles, and registers
 * {@link #onCancel} so that a running ONNX Runtime graph is told to terminate (within milliseconds) instead
 * of running to its end. A cancelled request ends with {@link CancelledException}.
 */
public interface Cancellation {
    /** Never cancelled. */
    Cancellation NONE = new Cancellation() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Registration onCancel(Runnable action) {
            return () -> { };
        }
    };

    /** Whether the work should stop now. */
    boolean isCancelled();

    /**
     * Runs {@code action} once when this becomes cancelled (at once, on the calling thread, if it already
     * is), until the returned registration is closed. The action must be quick and thread-safe.
     */
    Registration onCancel(Runnable action);

    /** Throws {@link CancelledException} naming {@code stage} when cancelled. */
    default void check(String stage) {
        if (isCancelled()) {
            throw new CancelledException("cancelled by the caller before " + stage);
        }
    }

    /** Ends an {@link #onCancel} registration; closing twice is harmless. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
