package dev.lic.core.pipeline;

import dev.lic.api.LicException;
import dev.lic.core.entropy.CdfTables;
import dev.lic.core.entropy.RansDecoder;
import dev.lic.core.entropy.RansEncoder;

/**
 * The two rANS sections of a bitstream (docs/bitstream.md): z symbols channel-major with z table
 * {@code c} for channel {@code c}; y symbols channel-major, each with the y table its scale index names.
 */
public final class SectionCoder {
    private SectionCoder() {
    }

    /** The z table of every z symbol: its channel. */
    public static int[] zIndexes(int channels, int height, int width) {
        int plane = Math.multiplyExact(height, width);
        int[] indexes = new int[Math.multiplyExact(channels, plane)];
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(indexes, c * plane, (c + 1) * plane, c);
        }
        return indexes;
    }

    public static byte[] encodeZ(int[] zHat, int channels, int height, int width, CdfTables zTables) {
        return RansEncoder.encode(zHat, zIndexes(channels, height, width), zTables);
    }

    public static byte[] encodeY(int[] q, int[] scaleIndex, CdfTables yTables) {
        return RansEncoder.encode(q, scaleIndex, yTables);
    }

    public static int[] decodeZ(byte[] stream, int offset, int length, int channels, int height, int width,
                                CdfTables zTables) {
        try {
            return RansDecoder.decode(stream, offset, length, zIndexes(channels, height, width), zTables);
        } catch (LicException e) {
            throw new LicException(e.kind(), "z section: " + e.getMessage(), e);
        }
    }

    public static int[] decodeY(byte[] stream, int offset, int length, int[] scaleIndex, CdfTables yTables) {
        try {
            return RansDecoder.decode(stream, offset, length, scaleIndex, yTables);
        } catch (LicException e) {
            throw new LicException(e.kind(), "y section: " + e.getMessage(), e);
        }
    }
}
