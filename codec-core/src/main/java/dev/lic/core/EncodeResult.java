package dev.lic.core;

/**
 * A bitstream and what it took to make it.
 *
 * @param bitstream the complete bitstream (docs/bitstream.md)
 * @param bitsPerPixel {@code 8 * bitstream.length / (width * height)}, header included
 * @param codecId the codec pack's id, 64 lowercase hex characters
 */
public record EncodeResult(byte[] bitstream, int width, int height, double bitsPerPixel, String codecId,
                           int rateIndex, EncodeTimings timings) {
}
