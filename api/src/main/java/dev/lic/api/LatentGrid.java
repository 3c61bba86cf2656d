package dev.lic.api;

/**
 * The latent grids of every LIC codec ({@code docs/bitstream.md}): {@code y} has one position per
 * {@value #Y_STRIDE} x {@value #Y_STRIDE} pixels, {@code z} one per {@value #Z_STRIDE} x {@value #Z_STRIDE};
 * images are padded to a multiple of {@value #Z_STRIDE} so that both grids are whole.
 */
public final class LatentGrid {
    /** Pixels per {@code y} position along each side (the analysis transform's total stride). */
    public static final int Y_STRIDE = 16;
    /** Pixels per {@code z} position along each side; also the multiple images are padded to. */
    public static final int Z_STRIDE = 64;

    private LatentGrid() {
    }
}
