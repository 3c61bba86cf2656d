package dev.lic.client;

import com.google.protobuf.ByteString;
import dev.lic.proto.v1.CodecGrpc;
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
 * Blocking Java client of the LIC server. Every failure is a {@link dev.lic.core.LicException} whose
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

    public DecodeResponse decode(byte[] bitstream, String adaptor) {
        return call(() -> codec().decode(DecodeRequest.newBuilder()
                .setBitstream(ByteString.copyFrom(bitstream)).setAdaptor(adaptor).build()));
    }

    public DecodeResponse decodeStored(String id, String adaptor) {
        return call(() -> codec().decode(DecodeRequest.newBuilder().setStoredId(id).setAdaptor(adaptor).build()));
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
