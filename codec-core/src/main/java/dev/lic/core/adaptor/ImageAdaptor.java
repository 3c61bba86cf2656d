package dev.lic.core.adaptor;

import dev.lic.core.Cancellation;
import dev.lic.core.image.RgbImage;
import dev.lic.core.onnx.SynthesisTiling;

/**
 * An adaptor of the {@code image} task, which can also produce the final 8-bit image directly: whole, or
 * tile by tile for a large image so that no full-size float image is held (docs/memory.md).
 */
public interface ImageAdaptor extends TaskAdaptor {
    /**
     * The 8-bit image of {@code yDec[m][h][w]}, clamped, rounded and cropped to {@code width x height};
     * {@code cancellation} is checked between tiles and stops a running graph.
     */
    RgbImage image(float[] yDec, int m, int h, int w, int width, int height, SynthesisTiling tiling,
                   Cancellation cancellation);
}
