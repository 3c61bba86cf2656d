package dev.lic.core.onnx;

/**
 * How a large image's analysis (encoder graph: g_a then h_a) is split so that its memory stays bounded:
 * the graph runs on overlapping tiles of the padded image, each a core of at most {@code core x core}
 * z positions (64 px each) plus {@code margin} z positions of context on every side that has a neighbour
 * (image edges get none: there the tile sees the same zero padding as the whole image). Only the core's
 * {@code y} (16 per z position per side) and {@code z} positions are kept. Tile origins lie on the 64-px
 * grid, so a tile's y and z grids are the whole image's.
 *
 * <p>Exactness: z sees g_a's receptive field through h_a's, 142 px before its 64-px block and 79 px after
 * it for both shipped codecs (four 5x5 stride-2 convolutions in g_a; 3x3, 5x5/2, 5x5/2 in h_a); y sees
 * 30 px before and 15 after its 16-px block. A margin of 3 z positions (192 px) therefore covers it, and
 * a tile computes the same function on the same inputs as the whole image, up to float rounding (ONNX
 * Runtime may pick other kernels or blockings for another shape). Measured symbols (rounded y at every
 * rate, z_hat) in docs/memory.md and AnalysisTilingTest.
 *
 * <p>Rule: an image whose {@code h * w} z positions fit in one tile with margins, {@code (core +
 * 2 margin)^2}, runs whole (every Kodak image does, so their bitstreams are unchanged); a larger one runs
 * in {@code ceil(h/core) x ceil(w/core)} tiles of near-equal cores, one at a time, each run on a window of
 * one shape (the largest core plus both margins, shifted inward at the image's edges), so the graph's
 * scratch memory is that of one tile of at most {@code (64 (core + 2 margin))^2} pixels whatever the
 * image size.
 *
 * @param core largest tile core in z positions ({@code >= 1})
 * @param margin context on each inner side, in z positions ({@code >= 0})
 */
public record AnalysisTiling(int core, int margin) {
    /** Pixels per z position (per side). */
    public static final int STRIDE = 64;
    /** 8-position cores (512 px) with 3 positions (192 px) of context: tiles of at most 896 x 896 px. */
    public static final AnalysisTiling DEFAULT = new AnalysisTiling(8, 3);

    public AnalysisTiling {
        if (core < 1 || margin < 0 || core + 2L * margin > 1024) {
            throw new IllegalArgumentException("tiling core must be >= 1, margin >= 0, core + 2 margin <= 1024");
        }
    }

    /** Whether an image of {@code h x w} z positions runs in one piece. */
    public boolean whole(int h, int w) {
        long side = core + 2L * margin;
        return (long) h * w <= side * side;
    }

    /** The number of tiles for {@code h x w} z positions (1 when {@link #whole}). */
    public int tileCount(int h, int w) {
        return whole(h, w) ? 1 : ceilDiv(h, core) * ceilDiv(w, core);
    }

    /** The most pixels one graph run gets for an image of {@code h x w} z positions. */
    public long maxTilePixels(int h, int w) {
        if (whole(h, w)) {
            return (long) STRIDE * STRIDE * h * w;
        }
        return (long) STRIDE * STRIDE * window(h) * window(w);
    }

    /**
     * Where the cores along one side of {@code n} z positions start: {@code ceil(n/core)} cores of
     * near-equal size (no thin last tile that would cost a full tile's margins), then {@code n}.
     */
    public int[] coreBounds(int n) {
        int tiles = ceilDiv(n, core);
        int[] bounds = new int[tiles + 1];
        for (int i = 0; i <= tiles; i++) {
            bounds[i] = (int) ((long) i * n / tiles);
        }
        return bounds;
    }

    /**
     * The length of every tile window along a side of {@code n} z positions: the largest core plus both
     * margins, at most {@code n}. All tiles of an image have one shape so that ONNX Runtime plans and
     * reserves one tile's memory, not one block per shape (measured: mixed shapes doubled the peak).
     */
    public int window(int n) {
        return Math.min(n, ceilDiv(n, ceilDiv(n, core)) + 2 * margin);
    }

    /**
     * Where the window of the core starting at {@code coreStart} begins along a side of {@code n}: {@code
     * margin} before the core, moved inward at the image's edges (a window never crosses an edge, so an
     * edge tile sees the whole image's zero padding; the core keeps at least {@code margin} of context on
     * every inner side).
     */
    public int windowStart(int coreStart, int n) {
        return Math.max(0, Math.min(coreStart - margin, n - window(n)));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
