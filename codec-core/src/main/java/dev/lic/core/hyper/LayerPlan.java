package dev.lic.core.hyper;

/**
 * The geometry of one layer for one input size, arranged so that every multiply-accumulate is a plain
 * loop over a flat array (which the JIT vectorises).
 *
 * <p>Strides are taken apart into phases. A stride-{@code S} convolution reads {@code S x S} phase planes
 * of its input ({@code in[S*j + r]}); a stride-{@code S} transposed convolution writes {@code S x S} phase
 * planes of its output. Either way each kernel tap becomes "output phase plane += w * source phase plane
 * shifted by (dy, dx)". Source planes are stored zero-padded with a common row stride {@code R} that the
 * accumulators share, so that the shift is one constant offset into a flat array and out-of-range taps
 * read zeros. Accumulator columns {@code >= Wq} are scratch and never read back.
 */
final class LayerPlan {
    final HyperLayer layer;
    final int inHeight;
    final int inWidth;
    final int outHeight;
    final int outWidth;
    /** Phase stride of the source planes (the convolution stride, or 1). */
    final int srcStride;
    /** Phase stride of the output planes (the transposed convolution stride, or 1). */
    final int outStride;
    final int marginTop;
    final int marginLeft;
    /** Row stride shared by source planes and accumulators. */
    final int rowStride;
    final int planeSize;
    /** Ints per input channel in the source buffer: {@code srcStride^2} planes. */
    final int channelSize;
    /** Rows of output phase plane {@code ry} (index {@code ry}) and columns of {@code rx}. */
    final int[] phaseRows;
    final int[] phaseCols;
    /** For output phase {@code p = ry * outStride + rx}: its taps, {@code k = ky * K + kx}. */
    final int[][] phaseTaps;
    /** For tap {@code k}: offset of its source phase plane and shift, added to the accumulator index. */
    final int[] tapSourceOffset;
    final int accumulatorSize;

    LayerPlan(HyperLayer layer, int inHeight, int inWidth) {
        this.layer = layer;
        this.inHeight = inHeight;
        this.inWidth = inWidth;
        this.outHeight = Math.toIntExact(layer.outputSize(inHeight));
        this.outWidth = Math.toIntExact(layer.outputSize(inWidth));
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalStateException("layer does not fit input " + inHeight + "x" + inWidth);
        }
        int k = layer.kernel;
        int s = layer.stride;
        int p = layer.padding;
        srcStride = layer.transposed ? 1 : s;
        outStride = layer.transposed ? s : 1;
        int taps = k * k;
        int[] tapSrcPhase = new int[taps];
        int[] tapOutPhase = new int[taps];
        int[] dy = new int[taps];
        int[] dx = new int[taps];
        int minDy = 0;
        int minDx = 0;
        int maxDy = Integer.MIN_VALUE;
        int maxDx = Integer.MIN_VALUE;
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int t = ky * k + kx;
                int ry = Math.floorMod(ky - p, s);
                int rx = Math.floorMod(kx - p, s);
                if (layer.transposed) {
                    // out[S*jy + ry][S*jx + rx] += w * in[jy + dy][jx + dx]
                    tapOutPhase[t] = ry * s + rx;
                    dy[t] = -Math.floorDiv(ky - p, s);
                    dx[t] = -Math.floorDiv(kx - p, s);
                } else {
                    // out[y][x] += w * in[S*(y + dy) + ry][S*(x + dx) + rx]
                    tapSrcPhase[t] = ry * s + rx;
                    dy[t] = Math.floorDiv(ky - p, s);
                    dx[t] = Math.floorDiv(kx - p, s);
                }
                minDy = Math.min(minDy, dy[t]);
                minDx = Math.min(minDx, dx[t]);
                maxDy = Math.max(maxDy, dy[t]);
                maxDx = Math.max(maxDx, dx[t]);
            }
        }
        phaseRows = new int[outStride];
        phaseCols = new int[outStride];
        for (int r = 0; r < outStride; r++) {
            phaseRows[r] = ceilDiv(outHeight - r, outStride);
            phaseCols[r] = ceilDiv(outWidth - r, outStride);
        }
        int maxSrcRows = ceilDiv(inHeight, srcStride);
        int maxSrcCols = ceilDiv(inWidth, srcStride);
        marginTop = -minDy;
        marginLeft = -minDx;
        rowStride = marginLeft + Math.max(maxSrcCols, maxDx + phaseCols[0]);
        int rows = marginTop + Math.max(maxSrcRows, maxDy + phaseRows[0]) + 1;
        planeSize = Math.multiplyExact(rows, rowStride);
        channelSize = Math.multiplyExact(planeSize, srcStride * srcStride);
        accumulatorSize = Math.multiplyExact(phaseRows[0], rowStride);
        tapSourceOffset = new int[taps];
        int[] perPhase = new int[outStride * outStride];
        for (int t = 0; t < taps; t++) {
            tapSourceOffset[t] = tapSrcPhase[t] * planeSize + (dy[t] + marginTop) * rowStride + dx[t] + marginLeft;
            perPhase[tapOutPhase[t]]++;
        }
        phaseTaps = new int[outStride * outStride][];
        for (int ph = 0; ph < phaseTaps.length; ph++) {
            phaseTaps[ph] = new int[perPhase[ph]];
            perPhase[ph] = 0;
        }
        for (int t = 0; t < taps; t++) {
            phaseTaps[tapOutPhase[t]][perPhase[tapOutPhase[t]]++] = t;
        }
    }

    /** Ints needed for the source buffer of all input channels. */
    int sourceSize() {
        return Math.multiplyExact(channelSize, layer.inChannels);
    }

    /** Index in the source buffer of input value {@code in[c][y][x]}. */
    int sourceIndex(int c, int y, int x) {
        int phase = (y % srcStride) * srcStride + x % srcStride;
        return c * channelSize + phase * planeSize + (y / srcStride + marginTop) * rowStride + x / srcStride
                + marginLeft;
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
