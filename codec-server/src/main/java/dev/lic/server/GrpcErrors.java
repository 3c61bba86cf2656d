package dev.lic.server;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.CancelledException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** The one mapping from {@link ErrorKind} to gRPC status (docs/errors.md), and the unary call wrapper. */
public final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    public static Status.Code statusOf(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_IMAGE, INVALID_BITSTREAM, UNSUPPORTED_VERSION -> Status.Code.INVALID_ARGUMENT;
            case TOO_LARGE, STORE_FULL -> Status.Code.RESOURCE_EXHAUSTED;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case CORRUPT_BITSTREAM, STORE_CORRUPT -> Status.Code.DATA_LOSS;
            case UNKNOWN_CODEC, INVALID_PACK, CONFLICT -> Status.Code.FAILED_PRECONDITION;
            case UNKNOWN_ADAPTOR, NOT_FOUND -> Status.Code.NOT_FOUND;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof LicException e) {
            return Status.fromCode(statusOf(e.kind()))
                    .withDescription(e.kind() + ": " + e.getMessage())
                    .asRuntimeException();
        }
        if (t instanceof StatusRuntimeException e) {
            return e;
        }
        if (t instanceof CancelledException e) {
            return Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof OutOfMemoryError) {
            // Limits should prevent this; if it happens the request is refused, the server stays up.
            LOG.error("out of memory while serving a request", t);
            return Status.RESOURCE_EXHAUSTED.withDescription("TOO_LARGE: server out of memory for this request")
                    .asRuntimeException();
        }
        LOG.error("unexpected failure", t);
        return Status.INTERNAL.withDescription("INTERNAL: unexpected server error (logged)").asRuntimeException();
    }

    /** Runs one unary call: the value or a mapped status, never an exception escaping to the transport. */
    public static <T> void respond(StreamObserver<T> observer, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (Throwable t) {
            observer.onError(toStatus(t));
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }
}
