package dev.lic.client;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Turns a gRPC status back into the server's {@link ErrorKind}: the server writes descriptions as
 * {@code "KIND: message"} (docs/errors.md); statuses without that prefix are mapped by code.
 */
public final class ClientErrors {
    private ClientErrors() {}

    public static LicException toLicException(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        int colon = description.indexOf(": ");
        if (colon > 0) {
            try {
                ErrorKind kind = ErrorKind.valueOf(description.substring(0, colon));
                return new LicException(kind, description.substring(colon + 2), e);
            } catch (IllegalArgumentException notAKind) {
                // fall through to the mapping by code
            }
        }
        return new LicException(kindOf(status.getCode()), description, e);
    }

    static ErrorKind kindOf(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT -> ErrorKind.INVALID_ARGUMENT;
            case RESOURCE_EXHAUSTED -> ErrorKind.TOO_LARGE;
            case DATA_LOSS -> ErrorKind.CORRUPT_BITSTREAM;
            case FAILED_PRECONDITION -> ErrorKind.UNKNOWN_CODEC;
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> ErrorKind.UNAVAILABLE;
            case UNAUTHENTICATED -> ErrorKind.UNAUTHENTICATED;
            case PERMISSION_DENIED -> ErrorKind.PERMISSION_DENIED;
            default -> ErrorKind.INTERNAL;
        };
    }
}
