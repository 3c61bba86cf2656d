package dev.lic.core.adaptor;

import java.util.List;

/**
 * Output of a {@code segmentation} adaptor: the class index of every pixel of the original image,
 * row-major, {@code bytesPerPixel} 1 (K <= 256 classes) or 2 (little-endian uint16), and each class's
 * fraction of the pixels (index = class).
 */
public record SegmentationOutput(byte[] classMap, int bytesPerPixel, int width, int height, double[] fractions,
                                 List<String> labels) implements AdaptorOutput {
    @Override
    public String task() {
        return AdaptorKind.SEGMENTATION;
    }

    /** The class of pixel {@code i = y * width + x}. */
    public int classAt(int i) {
        return bytesPerPixel == 1 ? classMap[i] & 0xff
                : (classMap[2 * i] & 0xff) | (classMap[2 * i + 1] & 0xff) << 8;
    }
}
