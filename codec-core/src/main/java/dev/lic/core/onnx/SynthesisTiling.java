package dev.lic.core.onnx;

/**
 * How a large image's synthesis is split so that its memory stays bounded: the adaptor graph runs on
 * overlapping tiles of {@code y_dec}, each a core of at most {@code core x core} latent positions plus
 * {@code margin} positions of context on every side that has a neighbour (image edges get none: there the
 * tile sees the same zero padding as the whole image). Only each tile's core is kept.
 *
 * <p>Exactness: a synthesis output pixel depends on {@code y} positions within its receptive field; when
 * the margin covers it, a tile computes the same function on the same inputs as the whole image, so the
 * result differs only by float rounding (ONNX Runtime may pick other kernels or blockings for another
 * shape). For the shipped graphs: {@code hyperprior-vr}'s synthesis (four 3x3 sub-pixel stages, pointwise
 * IGDN, a 1x1 linear path) reaches {@code 1 + 1/2 + 1/4 + 1/8 < 2} positions; {@code hyperprior-s}'s (four
 * 5x5 stride-2 ConvTranspose) also under 2. Measured on Kodak with 16-position tiles (SynthesisTilingTest,
 * docs/memory.md): margin 0 changes 16-18 % of the 8-bit samples (by up to 111), margin 1 4-5 % (up to 11),
 * margin 2 none for either codec: the outputs are byte-identical. The default margin of 4 doubles that.
 *
 * <p>Rule: an image whose {@code h * w} latent positions fit in one tile with margins, {@code (core +
 * 2 margin)^2}, runs whole (every Kodak image does); a larger one runs in {@code ceil(h/core) x
 * ceil(w/core)} tiles, one at a time, so the graph's scratch memory is that of one tile of at most
 * {@code (16 (core + 2 margin))^2} pixels whatever the image size.
 *
 * @param core tile core in latent positions ({@code >= 1})
 * @param margin context on each inner side, in latent positions ({@code >= 0})
 */
public record SynthesisTiling(int core, int margin) {
    /** 64-position cores (1024 px) with 4 positions (64 px) of context: tiles of at most 1152 x 1152 px. */
    public static final SynthesisTiling DEFAULT = new SynthesisTiling(64, 4);

    public SynthesisTiling {
        if (core < 1 || margin < 0 || core + 2L * margin > 4096) {
            throw new IllegalArgumentException("tiling core must be >= 1, margin >= 0, core + 2 margin <= 4096");
        }
    }

    /** Whether a latent of {@code h x w} positions runs in one piece. */
    public boolean whole(int h, int w) {
        long side = core + 2L * margin;
        return (long) h * w <= side * side;
    }

    /** The number of tiles for a latent of {@code h x w} positions (1 when {@link #whole}). */
    public int tileCount(int h, int w) {
        return whole(h, w) ? 1 : ceilDiv(h, core) * ceilDiv(w, core);
    }

    /** The most latent positions one graph run gets for a latent of {@code h x w}. */
    public long maxTilePositions(int h, int w) {
        if (whole(h, w)) {
            return (long) h * w;
        }
        return (long) Math.min(h, core + 2 * margin) * Math.min(w, core + 2 * margin);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
