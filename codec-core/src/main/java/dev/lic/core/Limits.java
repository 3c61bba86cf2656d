package dev.lic.core;

/**
 * Size limits, checked before any large allocation: images by their header before pixels are decoded,
 * bitstreams by their length and by the size their header announces.
 *
 * @param maxPixels largest {@code width * height} of an image to encode or a bitstream to decode, at most
 *     {@value #MAX_MAX_PIXELS} (so that every buffer of an image fits a Java array)
 * @param maxDimension largest width or height (the bitstream format caps both at 65535)
 * @param maxBitstreamBytes largest bitstream accepted for decoding
 */
public record Limits(long maxPixels, int maxDimension, int maxBitstreamBytes) {
    public static final long DEFAULT_MAX_PIXELS = 16_777_216L;
    public static final int DEFAULT_MAX_DIMENSION = 16_384;
    public static final int DEFAULT_MAX_BITSTREAM_BYTES = 64 << 20;
    /** The largest {@code maxPixels} this build supports: 2^28. */
    public static final long MAX_MAX_PIXELS = 1L << 28;
    /** The bitstream format's own cap on width and height. */
    public static final int FORMAT_MAX_DIMENSION = 65_535;

    public Limits {
        if (maxPixels < 1 || maxPixels > MAX_MAX_PIXELS || maxDimension < 1 || maxDimension > FORMAT_MAX_DIMENSION
                || maxBitstreamBytes < 60) {
            throw new IllegalArgumentException("limits out of range: maxPixels in 1..2^28, maxDimension in 1..65535, "
                    + "maxBitstreamBytes >= 60");
        }
    }

    /** 16 Mpixel, 16384 per side, 64 MiB bitstreams. */
    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_DIMENSION, DEFAULT_MAX_BITSTREAM_BYTES);
    }

    /** Whether an image of this size is within the limits. */
    public boolean allows(long width, long height) {
        return width >= 1 && height >= 1 && width <= maxDimension && height <= maxDimension
                && width * height <= maxPixels;
    }
}
