package dev.lic.server.ops;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records every gRPC call in {@link LicMetrics#request} (transport {@code grpc}, rpc = the full method name,
 * status = the gRPC status code, bytes = serialized message sizes). It runs before every other interceptor
 * (highest priority), so calls refused by the admin check are counted too.
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcMetricsInterceptor implements ServerInterceptor, Prioritized {
    @Inject
    LicMetrics metrics;

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Measured<Q, R> measured = new Measured<>(call, metrics);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
            @Override
            public void onMessage(Q message) {
                measured.in.addAndGet(size(message));
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                measured.done(Status.CANCELLED);
                super.onCancel();
            }
        };
    }

    private static long size(Object message) {
        return message instanceof MessageLite m ? m.getSerializedSize() : 0;
    }

    /** The call seen from the server side: sizes of what it sends, and its status when it closes. */
    private static final class Measured<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final LicMetrics metrics;
        private final long start = System.nanoTime();
        private final AtomicLong in = new AtomicLong();
        private final AtomicLong out = new AtomicLong();
        private final AtomicBoolean recorded = new AtomicBoolean();

        Measured(ServerCall<Q, R> call, LicMetrics metrics) {
            super(call);
            this.metrics = metrics;
        }

        @Override
        public void sendMessage(R message) {
            out.addAndGet(size(message));
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            done(status);
            super.close(status, trailers);
        }

        void done(Status status) {
            if (recorded.compareAndSet(false, true)) {
                metrics.request("grpc", getMethodDescriptor().getFullMethodName(), status.getCode().name(),
                        System.nanoTime() - start, in.get(), out.get());
            }
        }
    }
}
