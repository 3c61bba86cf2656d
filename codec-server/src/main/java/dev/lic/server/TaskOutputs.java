package dev.lic.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.lic.core.DecodeResult;
import dev.lic.core.adaptor.Detection;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detections;
import dev.lic.proto.v1.SegmentationMap;

/** Fills {@code DecodeResponse.output} from a typed {@link DecodeResult} (docs/adaptor-pack.md). */
final class TaskOutputs {
    private TaskOutputs() {
    }

    /**
     * Sets the output and task; an image as PNG, or with {@code raw} as its RGB bytes (shared, not copied: a
     * result's pixels are not written after the decode).
     */
    static DecodeResponse.Builder fill(DecodeResponse.Builder response, DecodeResult result, boolean raw) {
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

    static Detections detections(DetectionOutput out) {
        Detections.Builder b = Detections.newBuilder().addAllLabels(out.labels());
        for (Detection d : out.detections()) {
            b.addDetections(dev.lic.proto.v1.Detection.newBuilder().setClassIndex(d.classIndex()).setLabel(d.label())
                    .setScore((float) d.score()).setX0((float) d.x0()).setY0((float) d.y0()).setX1((float) d.x1())
                    .setY1((float) d.y1()));
        }
        return b.build();
    }

    static SegmentationMap segmentation(SegmentationOutput out) {
        SegmentationMap.Builder b = SegmentationMap.newBuilder().setWidth(out.width()).setHeight(out.height())
                .setBytesPerPixel(out.bytesPerPixel()).setClasses(ByteString.copyFrom(out.classMap()))
                .addAllLabels(out.labels());
        for (double f : out.fractions()) {
            b.addFractions(f);
        }
        return b.build();
    }
}
