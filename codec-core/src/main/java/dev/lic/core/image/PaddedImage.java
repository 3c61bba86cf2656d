package dev.lic.core.image;

import dev.lic.api.LatentGrid;

/**
 * An image ready for the analysis transform: planar RGB float32 in {@code [0, 1]}, {@code [3][paddedHeight]
 * [paddedWidth]}, padded on the right and bottom by edge replication to multiples of 64 (docs/bitstream.md).
 *
 * @param width original width
 * @param height original height
 */
public record PaddedImage(int width, int height, int paddedWidth, int paddedHeight, float[] planes) {
    /** The padding multiple: the total stride of the analysis transforms. */
    public static final int MULTIPLE = LatentGrid.Z_STRIDE;

    public static int pad(int size) {
        return (size + MULTIPLE - 1) / MULTIPLE * MULTIPLE;
    }
}
