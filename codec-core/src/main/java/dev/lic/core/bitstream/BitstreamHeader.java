package dev.lic.core.bitstream;

import dev.lic.api.LatentGrid;
import java.util.Objects;

/**
 * The fixed 56-byte header of a version-1 bitstream ({@code docs/bitstream.md}) and the section lengths.
 *
 * @param formatVersion the format version byte (always 1 for a header this build parsed)
 * @param rateIndex index into the codec pack's rate list, {@code 0..255}
 * @param codecId the codec pack's id, 64 lowercase hex characters
 * @param width original image width, {@code 1..65535}
 * @param height original image height, {@code 1..65535}
 * @param zLength length in bytes of the z section
 * @param yLength length in bytes of the y section
 */
public record BitstreamHeader(int formatVersion, int rateIndex, String codecId, int width, int height,
                              int zLength, int yLength) {
    /** Bytes before the z section. */
    public static final int FIXED_SIZE = 56;
    /** Header plus checksum: what a bitstream costs beyond its two sections. */
    public static final int OVERHEAD = FIXED_SIZE + 4;

    public BitstreamHeader {
        Objects.requireNonNull(codecId, "codecId");
        if (!isCodecId(codecId)) {
            throw new IllegalArgumentException("codec id must be 64 lowercase hex characters");
        }
    }

    /** Whether {@code s} is 64 lowercase hex characters, the printed form of a codec id. */
    public static boolean isCodecId(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Total bitstream length in bytes, {@code 60 + Lz + Ly}. */
    public long totalLength() {
        return (long) OVERHEAD + zLength + yLength;
    }

    /** Bits per pixel of the whole bitstream, header and checksum included. */
    public double bitsPerPixel() {
        return totalLength() * 8.0 / ((double) width * height);
    }

    /** The padded image geometry used by the transforms: {@code ceil(width / 64) * 64}. */
    public int paddedWidth() {
        return padded(width);
    }

    /** {@code ceil(height / 64) * 64}. */
    public int paddedHeight() {
        return padded(height);
    }

    private static int padded(int size) {
        return (size + LatentGrid.Z_STRIDE - 1) / LatentGrid.Z_STRIDE * LatentGrid.Z_STRIDE;
    }
}
