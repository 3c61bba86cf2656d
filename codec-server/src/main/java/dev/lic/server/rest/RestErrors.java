package dev.lic.server.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.CancelledException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * The one mapping from {@link ErrorKind} to HTTP status for the REST gateway (docs/errors.md, column HTTP),
 * and the one exception mapper: every failure becomes {@code {"error": KIND, "message": ...}}; an unexpected
 * one is {@code INTERNAL} with no details (logged), never a stack trace.
 */
@Provider
public class RestErrors implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(RestErrors.class);

    /** Error body of every REST failure. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorBody(String error, String message) {}

    public static int statusOf(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_IMAGE, INVALID_BITSTREAM, UNSUPPORTED_VERSION -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case UNKNOWN_ADAPTOR, NOT_FOUND -> 404;
            case UNKNOWN_CODEC, INVALID_PACK, CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case CORRUPT_BITSTREAM, STORE_CORRUPT -> 422;
            case STORE_FULL -> 507;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    @Override
    public Response toResponse(Throwable t) {
        return of(t);
    }

    public static Response of(Throwable t) {
        if (t instanceof LicException e) {
            Response.ResponseBuilder r = json(statusOf(e.kind()), e.kind().name(), e.getMessage());
            if (e.kind() == ErrorKind.UNAUTHENTICATED) {
                r.header("WWW-Authenticate", "Bearer");
            }
            return r.build();
        }
        if (t instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            // Admission's refusal (the request was not wrong): retry later.
            String message = e.getStatus().getDescription();
            return json(503, "BUSY", message).header("Retry-After", "1").build();
        }
        if (t instanceof CancelledException e) {
            return json(503, "CANCELLED", e.getMessage()).build();
        }
        if (t instanceof WebApplicationException e) {
            // Routing by the framework: unknown path, wrong method (405), unacceptable media types.
            int status = e.getResponse().getStatus();
            Response.ResponseBuilder r = json(status, httpKind(status), e.getMessage());
            Object allow = e.getResponse().getHeaders().getFirst("Allow");
            if (allow != null) {
                r.header("Allow", allow);
            }
            return r.build();
        }
        if (t instanceof OutOfMemoryError) {
            LOG.error("out of memory while serving a request", t);
            return json(413, ErrorKind.TOO_LARGE.name(), "server out of memory for this request").build();
        }
        LOG.error("unexpected failure", t);
        return json(500, ErrorKind.INTERNAL.name(), "unexpected server error (logged)").build();
    }

    private static String httpKind(int status) {
        return switch (status) {
            case 404 -> ErrorKind.NOT_FOUND.name();
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 413 -> ErrorKind.TOO_LARGE.name();
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> status >= 500 ? ErrorKind.INTERNAL.name() : ErrorKind.INVALID_ARGUMENT.name();
        };
    }

    private static Response.ResponseBuilder json(int status, String kind, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(kind, message));
    }
}
