package dev.lic.mapping;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.lic.core.DecodeResult;
import dev.lic.core.adaptor.Detection;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.core.pack.CodecPack;
import dev.lic.proto.v1.AdaptorInfo;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detections;
import dev.lic.proto.v1.RateInfo;
import dev.lic.proto.v1.SegmentationMap;

/** codec-core's results and descriptions as {@code lic.v1} messages (docs/adaptor-pack.md, proto/). */
public final class ProtoMessages {
    private ProtoMessages() {
    }

    /**
     * Sets {@code DecodeResponse.output} and the task: an image as PNG, or with {@code raw} as its RGB bytes
     * (shared, not copied: a result's pixels are not written after the decode); detections; a class map.
     */
    public static DecodeResponse.Builder fillOutput(DecodeResponse.Builder response, DecodeResult result,
                                                    boolean raw) {
        response.setTask(result.task());
        switch (result.output()) {
            case null -> {
                if (raw) {
                    response.setRgb(UnsafeByteOperations.unsafeWrap(result.rgb()));
                } else {
                    response.setPng(ByteString.copyFrom(result.pngBytes()));
                }
            }
            case DetectionOutput d -> response.setDetections(detections(d));
            case SegmentationOutput s -> response.setSegmentation(segmentation(s));
            default -> throw new IllegalStateException("no response field for task " + result.task());
        }
        return response;
    }

    public static Detections detections(DetectionOutput out) {
        Detections.Builder b = Detections.newBuilder().addAllLabels(out.labels());
        for (Detection d : out.detections()) {
            b.addDetections(dev.lic.proto.v1.Detection.newBuilder().setClassIndex(d.classIndex()).setLabel(d.label())
                    .setScore((float) d.score()).setX0((float) d.x0()).setY0((float) d.y0()).setX1((float) d.x1())
                    .setY1((float) d.y1()));
        }
        return b.build();
    }

    public static SegmentationMap segmentation(SegmentationOutput out) {
        SegmentationMap.Builder b = SegmentationMap.newBuilder().setWidth(out.width()).setHeight(out.height())
                .setBytesPerPixel(out.bytesPerPixel()).setClasses(ByteString.copyFrom(out.classMap()))
                .addAllLabels(out.labels());
        for (double f : out.fractions()) {
            b.addFractions(f);
        }
        return b.build();
    }

    /** A codec pack's id, name and rates (with their nominal Kodak numbers, 0 where the pack has none). */
    public static CodecInfo codecInfo(CodecPack pack) {
        CodecInfo.Builder info = CodecInfo.newBuilder().setCodecId(pack.codecId()).setName(pack.name())
                .setDefaultRateIndex(pack.defaultRate());
        for (CodecPack.Rate r : pack.rates()) {
            info.addRateIndexes(r.index());
            info.addRates(RateInfo.newBuilder().setIndex(r.index()).setLambda(orZero(r.lambda()))
                    .setKodakBpp(orZero(r.kodakBpp())).setKodakPsnr(orZero(r.kodakPsnr())));
        }
        return info.build();
    }

    public static AdaptorInfo adaptorInfo(dev.lic.core.AdaptorInfo a) {
        return AdaptorInfo.newBuilder().setName(a.name()).setVersion(a.version()).setCodecId(a.codecId())
                .setTask(a.task()).build();
    }

    /** The API's "not given" for a descriptive number is 0 (the pack's is NaN). */
    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
