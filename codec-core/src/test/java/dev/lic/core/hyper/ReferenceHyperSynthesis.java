package dev.lic.core.hyper;

import java.util.List;

/**
 * The spec's formulas for h_s written out literally (docs/codec-pack.md), with long accumulators, to check
 * the fast engine against. Slow on purpose: no phases, no padding tricks.
 */
final class ReferenceHyperSynthesis {
    private ReferenceHyperSynthesis() {
    }

    static HyperOutput run(IntegerHyperSynthesis net, int[] zHat, int zh, int zw) {
        List<HyperLayer> layers = net.layers();
        long zc = net.inputClamp();
        int n = net.inputChannels();
        long[] in = new long[zHat.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = Math.max(-zc, Math.min(zc, zHat[i]));
        }
        int c = n;
        int h = zh;
        int w = zw;
        for (HyperLayer l : layers) {
            int ho = (int) l.outputSize(h);
            int wo = (int) l.outputSize(w);
            long[] acc = new long[l.outChannels * ho * wo];
            int k = l.kernel;
            for (int o = 0; o < l.outChannels; o++) {
                for (int y = 0; y < ho; y++) {
                    for (int x = 0; x < wo; x++) {
                        acc[(o * ho + y) * wo + x] = l.bias[o];
                    }
                }
                for (int i = 0; i < c; i++) {
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            long wt = l.weights[((o * c + i) * k + ky) * k + kx];
                            if (l.transposed) {
                                for (int iy = 0; iy < h; iy++) {
                                    for (int ix = 0; ix < w; ix++) {
                                        int y = iy * l.stride - l.padding + ky;
                                        int x = ix * l.stride - l.padding + kx;
                                        if (y >= 0 && y < ho && x >= 0 && x < wo) {
                                            acc[(o * ho + y) * wo + x] += wt * in[(i * h + iy) * w + ix];
                                        }
                                    }
                                }
                            } else {
                                for (int y = 0; y < ho; y++) {
                                    for (int x = 0; x < wo; x++) {
                                        int iy = y * l.stride - l.padding + ky;
                                        int ix = x * l.stride - l.padding + kx;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            acc[(o * ho + y) * wo + x] += wt * in[(i * h + iy) * w + ix];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            long[] out = new long[acc.length];
            for (int o = 0; o < l.outChannels; o++) {
                for (int p = 0; p < ho * wo; p++) {
                    long a = acc[o * ho * wo + p];
                    if (a != (int) a) {
                        throw new AssertionError("accumulator outside int32 despite the verified bound");
                    }
                    long v = (a * l.multiplier[o] + (1L << (l.shift[o] - 1))) >> l.shift[o];
                    out[o * ho * wo + p] = Math.max(l.outMin, Math.min(l.outMax, v));
                }
            }
            in = out;
            c = l.outChannels;
            h = ho;
            w = wo;
        }
        int m = c / 2;
        int[] scale = new int[m * h * w];
        int[] mean = new int[m * h * w];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = (int) in[i];
            mean[i] = (int) in[scale.length + i];
        }
        return new HyperOutput(m, h, w, net.fractionBits(), scale, mean);
    }
}
