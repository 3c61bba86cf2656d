package dev.lic.core.adaptor;

import java.util.List;

/** Output of a {@code detection} adaptor: detections by descending score, for an image of {@code width x height}. */
public record DetectionOutput(List<Detection> detections, int width, int height, List<String> labels)
        implements AdaptorOutput {
    @Override
    public String task() {
        return AdaptorKind.DETECTION;
    }
}
