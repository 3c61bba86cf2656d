package dev.lic.client;

import com.google.protobuf.ByteString;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.proto.v1.ActivateRequest;
import dev.lic.proto.v1.ActivateResponse;
import dev.lic.proto.v1.AdaptorsGrpc;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.DeleteAdaptorRequest;
import dev.lic.proto.v1.ListAdaptorsRequest;
import dev.lic.proto.v1.ListAdaptorsResponse;
import dev.lic.proto.v1.PackFileChunk;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterRequest;
import dev.lic.proto.v1.RegisterResponse;
import dev.lic.proto.v1.RollbackRequest;
import dev.lic.proto.v1.RollbackResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DeleteRequest;
import dev.lic.proto.v1.DescribeRequest;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.GetRequest;
import dev.lic.proto.v1.ListRequest;
import dev.lic.proto.v1.ListResponse;
import dev.lic.proto.v1.PutRequest;
import dev.lic.proto.v1.PutResponse;
import dev.lic.proto.v1.StoreGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Blocking Java client of the LIC server. Every failure is a {@link dev.lic.api.LicException} whose
 * kind is the server's error kind (docs/errors.md), or {@code UNAVAILABLE} when the server is unreachable.
 *
 * <p>Admin (mutating) calls such as {@link #delete} send {@code authorization: Bearer <token>} when the client
 * was given an admin token; other calls never send it. Without one the server answers {@code UNAUTHENTICATED}.
 */
public final class LicClient implements AutoCloseable {
    /** Largest message the client accepts: a big PNG or bitstream. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final Duration deadline;
    private final Optional<String> adminToken;

    private LicClient(ManagedChannel channel, boolean ownsChannel, Duration deadline, Optional<String> adminToken) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.deadline = deadline;
        this.adminToken = adminToken.filter(t -> !t.isBlank());
    }

    /** Plain-text connection to {@code host:port}. */
    public static LicClient connect(String target, Duration deadline) {
        return connect(target, deadline, Optional.empty());
    }

    /** Plain-text connection to {@code host:port}; admin calls carry {@code adminToken} when present. */
    public static LicClient connect(String target, Duration deadline, Optional<String> adminToken) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        return new LicClient(channel, true, deadline, adminToken);
    }

    /** Uses a channel the caller owns (TLS, in-process, interceptors); {@link #close()} leaves it open. */
    public static LicClient over(ManagedChannel channel, Duration deadline) {
        return over(channel, deadline, Optional.empty());
    }

    /** As {@link #over(ManagedChannel, Duration)}, with an admin token for admin calls. */
    public static LicClient over(ManagedChannel channel, Duration deadline, Optional<String> adminToken) {
        return new LicClient(channel, false, deadline, adminToken);
    }

    /** Encodes at the default codec pack's default rate; the response says which rate that was. */
    public EncodeResponse encode(byte[] image, boolean store) {
        return call(() -> codec().encode(EncodeRequest.newBuilder()
                .setImage(ByteString.copyFrom(image)).setStore(store).build()));
    }

    /** Encodes at rate {@code rateIndex} of the default codec pack (Describe lists its rates). */
    public EncodeResponse encode(byte[] image, int rateIndex, boolean store) {
        return call(() -> codec().encode(EncodeRequest.newBuilder()
                .setImage(ByteString.copyFrom(image)).setRateIndex(rateIndex).setStore(store).build()));
    }

    /** Encodes at {@code rateIndex}, or at the default rate when it is empty. */
    public EncodeResponse encode(byte[] image, OptionalInt rateIndex, boolean store) {
        return rateIndex.isPresent() ? encode(image, rateIndex.getAsInt(), store) : encode(image, store);
    }

    /**
     * Encodes with codec {@code codec} (a name or id as Describe lists them; empty = the server's default)
     * at {@code rateIndex}, or at that codec's default rate when it is empty.
     */
    public EncodeResponse encode(byte[] image, String codec, OptionalInt rateIndex, boolean store) {
        EncodeRequest.Builder request = EncodeRequest.newBuilder()
                .setImage(ByteString.copyFrom(image)).setCodec(codec == null ? "" : codec).setStore(store);
        rateIndex.ifPresent(request::setRateIndex);
        return call(() -> codec().encode(request.build()));
    }

    public DecodeResponse decode(byte[] bitstream, String adaptor) {
        return call(() -> codec().decode(DecodeRequest.newBuilder()
                .setBitstream(ByteString.copyFrom(bitstream)).setAdaptor(adaptor).build()));
    }

    /** Decodes with version {@code adaptorVersion} of the adaptor; 0 means its active version. */
    public DecodeResponse decode(byte[] bitstream, String adaptor, int adaptorVersion) {
        return call(() -> codec().decode(DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(bitstream))
                .setAdaptor(adaptor).setAdaptorVersion(adaptorVersion).build()));
    }

    /**
     * Decodes as {@code request} says: its source (inline or stored), adaptor and version, the detection
     * settings ({@code score_threshold}, {@code nms_iou}) and the image form ({@code image_format}: PNG or raw
     * RGB in {@code DecodeResponse.rgb}).
     */
    public DecodeResponse decode(DecodeRequest request) {
        return call(() -> codec().decode(request));
    }

    public DecodeResponse decodeStored(String id, String adaptor) {
        return decodeStored(id, adaptor, 0);
    }

    /** Decodes a stored bitstream with version {@code adaptorVersion} of the adaptor; 0 means the active one. */
    public DecodeResponse decodeStored(String id, String adaptor, int adaptorVersion) {
        return call(() -> codec().decode(DecodeRequest.newBuilder().setStoredId(id).setAdaptor(adaptor)
                .setAdaptorVersion(adaptorVersion).build()));
    }

    public DescribeResponse describe() {
        return call(() -> codec().describe(DescribeRequest.getDefaultInstance()));
    }

    public PutResponse put(byte[] bitstream) {
        return call(() -> store().put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(bitstream)).build()));
    }

    public byte[] get(String id) {
        return call(() -> store().get(GetRequest.newBuilder().setId(id).build()).getBitstream().toByteArray());
    }

    public ListResponse list(int pageSize, String pageToken) {
        return call(() -> store().list(ListRequest.newBuilder().setPageSize(pageSize).setPageToken(pageToken).build()));
    }

    /** An admin call: needs the admin token. */
    public void delete(String id) {
        call(() -> admin(store()).delete(DeleteRequest.newBuilder().setId(id).build()));
    }

    /** The stub with the bearer header attached when this client has an admin token. */
    private <S extends io.grpc.stub.AbstractStub<S>> S admin(S stub) {
        if (adminToken.isEmpty()) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + adminToken.get());
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Size of the chunks {@link #registerAdaptor} sends. */
    public static final int PACK_CHUNK_BYTES = 1 << 20;

    /**
     * Uploads the adaptor pack in folder {@code dir} (its regular files, not sub-folders) and waits until
     * the server has validated it: the response says READY or FAILED with the reason.
     *
     * @param header what the pack is expected to be (empty fields: the manifest decides) and whether to
     *     activate it once READY
     */
    public RegisterResponse registerAdaptor(Path dir, RegisterHeader header) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(Files::isRegularFile).toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return registerAdaptor(files, header);
    }

    /** Uploads a pack given as (file name, bytes); see {@link #registerAdaptor(Path, RegisterHeader)}. */
    public RegisterResponse registerAdaptor(Map<String, byte[]> files, RegisterHeader header) {
        CompletableFuture<RegisterResponse> result = new CompletableFuture<>();
        StreamObserver<RegisterRequest> upload = admin(AdaptorsGrpc.newStub(channel))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withMaxInboundMessageSize(MAX_MESSAGE_BYTES).withMaxOutboundMessageSize(MAX_MESSAGE_BYTES)
                .register(new StreamObserver<>() {
                    @Override
                    public void onNext(RegisterResponse value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.completeExceptionally(new StatusRuntimeException(io.grpc.Status.INTERNAL
                                .withDescription("INTERNAL: the server sent no response")));
                    }
                });
        try {
            upload.onNext(RegisterRequest.newBuilder().setHeader(header).build());
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                byte[] data = file.getValue();
                int offset = 0;
                do {
                    int n = Math.min(PACK_CHUNK_BYTES, data.length - offset);
                    upload.onNext(RegisterRequest.newBuilder().setChunk(PackFileChunk.newBuilder()
                            .setFileName(file.getKey()).setData(ByteString.copyFrom(data, offset, n))).build());
                    offset += n;
                } while (offset < data.length && !result.isDone());
                if (result.isDone()) {
                    break; // refused already
                }
            }
            upload.onCompleted();
        } catch (RuntimeException e) {
            upload.onError(e);
            result.completeExceptionally(e);
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) {
                throw ClientErrors.toLicException(s);
            }
            throw new LicException(ErrorKind.INTERNAL, "register failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LicException(ErrorKind.UNAVAILABLE, "interrupted while registering");
        }
    }

    public ListAdaptorsResponse listAdaptors() {
        return call(() -> adaptors().list(ListAdaptorsRequest.getDefaultInstance()));
    }

    /** Activates a READY version; {@code codecId} empty means the server's default codec. An admin call. */
    public ActivateResponse activateAdaptor(String codecId, String name, int version) {
        return call(() -> admin(adaptors()).activate(ActivateRequest.newBuilder().setCodecId(codecId).setName(name)
                .setVersion(version).build()));
    }

    /** Goes back to the previously active version; returns the one now active. An admin call. */
    public RollbackResponse rollbackAdaptor(String codecId, String name) {
        return call(() -> admin(adaptors()).rollback(RollbackRequest.newBuilder().setCodecId(codecId).setName(name).build()));
    }

    /** Deletes a version that is not active. An admin call. */
    public void deleteAdaptor(String codecId, String name, int version) {
        call(() -> admin(adaptors()).delete(DeleteAdaptorRequest.newBuilder().setCodecId(codecId).setName(name)
                .setVersion(version).build()));
    }

    private AdaptorsGrpc.AdaptorsBlockingStub adaptors() {
        return AdaptorsGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CodecGrpc.CodecBlockingStub codec() {
        return CodecGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withMaxInboundMessageSize(MAX_MESSAGE_BYTES).withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
    }

    private StoreGrpc.StoreBlockingStub store() {
        return StoreGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withMaxInboundMessageSize(MAX_MESSAGE_BYTES).withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
    }

    private static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw ClientErrors.toLicException(e);
        }
    }

    @Override
    public void close() {
        if (ownsChannel) {
            channel.shutdown();
            try {
                if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
