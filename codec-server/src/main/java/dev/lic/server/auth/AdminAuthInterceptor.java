package dev.lic.server.auth;

import dev.lic.api.LicException;
import dev.lic.proto.v1.StoreGrpc;
import dev.lic.server.AdaptorsGrpcService;
import dev.lic.server.GrpcErrors;
import dev.lic.server.LicConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Guards the admin (mutating) methods of every gRPC service with {@link AdminAuth}; all other methods pass
 * untouched. A refused call is closed with the mapped status before the service sees it.
 *
 * <p>Protected: Store.Delete and the adaptor registry's mutating calls
 * ({@link AdaptorsGrpcService#MUTATING_METHODS}). To protect a new method, add its full name to
 * {@link #ADMIN_METHODS} — one line per method.
 */
@ApplicationScoped
@GlobalInterceptor
public class AdminAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(AdminAuthInterceptor.class);

    /** Full gRPC method names ({@code package.Service/Method}) that need the admin token. */
    public static final Set<String> ADMIN_METHODS = Stream.concat(
            Stream.of(StoreGrpc.getDeleteMethod().getFullMethodName()),
            AdaptorsGrpcService.MUTATING_METHODS.stream()).collect(Collectors.toUnmodifiableSet());

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final AdminAuth auth;

    @Inject
    public AdminAuthInterceptor(LicConfig config) {
        this.auth = new AdminAuth(config.admin().token());
        if (!auth.enabled()) {
            LOG.warn("no admin token configured (lic.admin.token / LIC_ADMIN_TOKEN): admin calls "
                    + ADMIN_METHODS + " are refused");
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (ADMIN_METHODS.contains(method)) {
            try {
                auth.check(headers.get(AUTHORIZATION), method);
            } catch (LicException refused) {
                LOG.infof("refused %s: %s", method, refused.kind());
                call.close(GrpcErrors.toStatus(refused).getStatus(), new Metadata());
                return new ServerCall.Listener<>() {};
            }
        }
        return next.startCall(call, headers);
    }
}
