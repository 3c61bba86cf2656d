package dev.lic.server;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.registry.PackRegistry;
import dev.lic.core.registry.PackUpload;
import dev.lic.proto.v1.ActivateRequest;
import dev.lic.proto.v1.ActivateResponse;
import dev.lic.proto.v1.AdaptorEntry;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.AdaptorVersion;
import dev.lic.proto.v1.AdaptorsGrpc;
import dev.lic.proto.v1.DeleteAdaptorRequest;
import dev.lic.proto.v1.DeleteAdaptorResponse;
import dev.lic.proto.v1.ListAdaptorsRequest;
import dev.lic.proto.v1.ListAdaptorsResponse;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterRequest;
import dev.lic.proto.v1.RegisterResponse;
import dev.lic.proto.v1.RollbackRequest;
import dev.lic.proto.v1.RollbackResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * gRPC Adaptors service: explicit control of the adaptor registry (docs/adaptor-registry.md), a thin layer
 * over {@link PackRegistry}; errors go through {@link GrpcErrors}.
 */
@GrpcService
public class AdaptorsGrpcService extends AdaptorsGrpc.AdaptorsImplBase {
    /**
     * Full names of the rpcs of this service that change the server, for the admin-auth interceptor. (The
     * Store's Delete is the Store service's business.)
     */
    public static final Set<String> MUTATING_METHODS = Set.of(
            AdaptorsGrpc.getRegisterMethod().getFullMethodName(),
            AdaptorsGrpc.getActivateMethod().getFullMethodName(),
            AdaptorsGrpc.getRollbackMethod().getFullMethodName(),
            AdaptorsGrpc.getDeleteMethod().getFullMethodName());

    @Inject
    Codec codec;

    @Inject
    LicConfig config;

    @Override
    public StreamObserver<RegisterRequest> register(StreamObserver<RegisterResponse> observer) {
        return new StreamObserver<>() {
            private RegisterHeader header;
            private final PackUpload upload = new PackUpload(config.adaptors().maxPackBytes());
            private boolean failed;

            @Override
            public void onNext(RegisterRequest request) {
                if (failed) {
                    return;
                }
                try {
                    switch (request.getPartCase()) {
                        case HEADER -> {
                            if (header != null) {
                                throw new LicException(ErrorKind.INVALID_ARGUMENT, "the header is sent twice");
                            }
                            header = request.getHeader();
                            if (header.getVersion() < 0) {
                                throw new LicException(ErrorKind.INVALID_ARGUMENT, "version "
                                        + Integer.toUnsignedString(header.getVersion()) + " is out of range");
                            }
                        }
                        case CHUNK -> {
                            if (header == null) {
                                throw new LicException(ErrorKind.INVALID_ARGUMENT, "the first message must be the"
                                        + " header");
                            }
                            upload.add(request.getChunk().getFileName(), request.getChunk().getData().toByteArray());
                        }
                        case PART_NOT_SET -> throw new LicException(ErrorKind.INVALID_ARGUMENT,
                                "a message with neither header nor chunk");
                    }
                } catch (Throwable t) {
                    failed = true;
                    observer.onError(GrpcErrors.toStatus(t));
                }
            }

            @Override
            public void onError(Throwable t) {
                failed = true; // the client went away; nothing was stored
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                try {
                    if (header == null) {
                        throw new LicException(ErrorKind.INVALID_ARGUMENT, "no header and no files sent");
                    }
                    PackRegistry registry = codec.registry();
                    PackRegistry.Expected expected = new PackRegistry.Expected(header.getCodecId(), header.getName(),
                            header.getVersion());
                    registry.register(upload.files(), expected, header.getActivate()).whenComplete((done, t) -> {
                        if (t != null) {
                            observer.onError(GrpcErrors.toStatus(t instanceof CompletionException c ? c.getCause() : t));
                            return;
                        }
                        observer.onNext(RegisterResponse.newBuilder().setCodecId(done.codecId()).setName(done.name())
                                .setVersion(version(done.version())).setActiveVersion(done.activeVersion()).build());
                        observer.onCompleted();
                    });
                } catch (Throwable t) {
                    observer.onError(GrpcErrors.toStatus(t));
                }
            }
        };
    }

    @Override
    @Blocking
    public void list(ListAdaptorsRequest request, StreamObserver<ListAdaptorsResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            ListAdaptorsResponse.Builder response = ListAdaptorsResponse.newBuilder();
            for (PackRegistry.AdaptorStatus a : codec.registry().list()) {
                AdaptorEntry.Builder entry = AdaptorEntry.newBuilder().setCodecId(a.codecId()).setName(a.name())
                        .setActiveVersion(a.activeVersion()).addAllPreviousVersions(a.previousVersions());
                a.versions().forEach(v -> entry.addVersions(version(v)));
                response.addAdaptors(entry);
            }
            return response.build();
        });
    }

    @Override
    @Blocking
    public void activate(ActivateRequest request, StreamObserver<ActivateResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            String codecId = codecId(request.getCodecId());
            codec.registry().activate(codecId, name(request.getName()), version(request.getVersion()));
            return ActivateResponse.newBuilder().setActiveVersion(request.getVersion()).build();
        });
    }

    @Override
    @Blocking
    public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            int active = codec.registry().rollback(codecId(request.getCodecId()), name(request.getName()));
            return RollbackResponse.newBuilder().setActiveVersion(active).build();
        });
    }

    @Override
    @Blocking
    public void delete(DeleteAdaptorRequest request, StreamObserver<DeleteAdaptorResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            codec.registry().delete(codecId(request.getCodecId()), name(request.getName()),
                    version(request.getVersion()));
            return DeleteAdaptorResponse.getDefaultInstance();
        });
    }

    /** Empty means the default codec; anything else must be a loaded codec id. */
    private String codecId(String given) {
        if (given.isEmpty()) {
            return codec.defaultCodecId();
        }
        if (!codec.codecIds().contains(given)) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "no codec pack with id " + clip(given) + " is loaded");
        }
        return given;
    }

    private static String name(String name) {
        if (name.isEmpty()) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "the adaptor name is required");
        }
        return name;
    }

    private static int version(int version) {
        if (version <= 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "version " + Integer.toUnsignedString(version)
                    + " is not a version (1 or more)");
        }
        return version;
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    static AdaptorVersion version(PackRegistry.VersionStatus v) {
        return AdaptorVersion.newBuilder().setVersion(v.version()).setState(switch (v.state()) {
            case LOADING -> AdaptorState.LOADING;
            case READY -> AdaptorState.READY;
            case FAILED -> AdaptorState.FAILED;
        }).setReason(v.reason()).setTask(v.task()).setSource(v.source()).build();
    }
}
