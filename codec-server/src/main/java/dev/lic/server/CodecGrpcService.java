package dev.lic.server;

import com.google.protobuf.ByteString;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.DecodeResult;
import dev.lic.core.EncodeResult;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.mapping.ProtoMessages;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeRequest;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.Limits;
import dev.lic.store.BitstreamStore;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** gRPC Codec service: a thin layer over codec-core; all errors go through {@link GrpcErrors}. */
@GrpcService
@Blocking
public class CodecGrpcService extends CodecGrpc.CodecImplBase {
    @Inject
    Codec codec;

    @Inject
    BitstreamStore store;

    @Inject
    LicConfig config;

    @Inject
    CodecOperations operations;

    @Override
    public void encode(EncodeRequest request, StreamObserver<EncodeResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            byte[] image = request.getImage().toByteArray();
            EncodeResult result = operations.encode(image, request.getCodec(), rateIndex(request),
                    GrpcCancellation.current());
            EncodeResponse.Builder response = EncodeResponse.newBuilder()
                    .setBitstream(ByteString.copyFrom(result.bitstream()))
                    .setBpp(result.bitsPerPixel())
                    .setWidth(result.width())
                    .setHeight(result.height())
                    .setCodecId(result.codecId())
                    .setRateIndex(result.rateIndex())
                    .setTimings(StageTimingsMapper.of(result.timings()));
            if (request.getStore()) {
                response.setStoredId(store.put(result.bitstream()).id());
            }
            return response.build();
        });
    }

    /** The requested rate, or empty for the pack's default; a uint32 past the int range is no rate of any pack. */
    private OptionalInt rateIndex(EncodeRequest request) {
        if (!request.hasRateIndex()) {
            return OptionalInt.empty();
        }
        int rate = request.getRateIndex();
        if (rate < 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "rate index " + Integer.toUnsignedString(rate)
                    + " is not in codec " + codec.defaultCodecId());
        }
        return OptionalInt.of(rate);
    }

    @Override
    public void decode(DecodeRequest request, StreamObserver<DecodeResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            byte[] bitstream = switch (request.getSourceCase()) {
                case BITSTREAM -> request.getBitstream().toByteArray();
                case STORED_ID -> store.get(request.getStoredId());
                case SOURCE_NOT_SET -> throw new LicException(ErrorKind.INVALID_ARGUMENT,
                        "give either bitstream or stored_id");
            };
            boolean raw = switch (request.getImageFormat()) {
                case IMAGE_FORMAT_PNG -> false;
                case IMAGE_FORMAT_RAW_RGB -> true;
                case UNRECOGNIZED -> throw new LicException(ErrorKind.INVALID_ARGUMENT, "image_format "
                        + request.getImageFormatValue() + " is not PNG (0) or RAW_RGB (1)");
            };
            return operations.decode(bitstream, request.getAdaptor(), request.getAdaptorVersion(),
                    taskOptions(request), GrpcCancellation.current(), result -> response(result, raw));
        });
    }

    /** The request's detection settings; absent fields leave the pack's values. */
    private static TaskOptions taskOptions(DecodeRequest request) {
        return new TaskOptions(
                request.hasScoreThreshold() ? OptionalDouble.of(request.getScoreThreshold()) : OptionalDouble.empty(),
                request.hasNmsIou() ? OptionalDouble.of(request.getNmsIou()) : OptionalDouble.empty());
    }

    /** The response (PNG or raw pixels included), built while the caller holds the admission ticket. */
    private static DecodeResponse response(DecodeResult result, boolean raw) {
        return ProtoMessages.fillOutput(DecodeResponse.newBuilder(), result, raw)
                .setWidth(result.width())
                .setHeight(result.height())
                .setCodecId(result.codecId())
                .setAdaptor(result.adaptorName())
                .setAdaptorVersion(result.adaptorVersion())
                .setTimings(StageTimingsMapper.of(result.timings()))
                .build();
    }

    @Override
    public void describe(DescribeRequest request, StreamObserver<DescribeResponse> observer) {
        GrpcErrors.respond(observer, () -> {
            DescribeResponse.Builder response = DescribeResponse.newBuilder()
                    .setDefaultCodecId(codec.defaultCodecId())
                    .setLimits(Limits.newBuilder()
                            .setMaxPixels(config.limits().maxPixels())
                            .setMaxDimension(config.limits().maxDimension())
                            .setMaxImageBytes(config.limits().maxImageBytes())
                            .setMaxBitstreamBytes(config.limits().maxBitstreamBytes()));
            codec.codecIds().stream().sorted().map(codec::codecPack)
                    .forEach(pack -> response.addCodecs(ProtoMessages.codecInfo(pack)));
            codec.adaptors().forEach(a -> response.addAdaptors(ProtoMessages.adaptorInfo(a)));
            return response.build();
        });
    }
}
