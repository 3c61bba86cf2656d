package dev.lic.server;

import dev.lic.core.Cancellation;
import io.grpc.Context;

/**
 * codec-core's {@link Cancellation} backed by the current gRPC call's {@link Context}: cancelled when the
 * client cancels, disconnects or its deadline passes.
 */
final class GrpcCancellation implements Cancellation {
    private final Context context;

    private GrpcCancellation(Context context) {
        this.context = context;
    }

    /** For the call being served on this thread. */
    static Cancellation current() {
        return new GrpcCancellation(Context.current());
    }

    @Override
    public boolean isCancelled() {
        return context.isCancelled();
    }

    @Override
    public Registration onCancel(Runnable action) {
        Context.CancellationListener listener = c -> action.run();
        context.addListener(listener, Runnable::run);
        return () -> context.removeListener(listener);
    }
}
