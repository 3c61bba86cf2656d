package dev.lic.core.adaptor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.util.List;

/**
 * Segmentation post-processing of docs/adaptor-pack.md: logits {@code [K][h'][w']} at {@code stride} of the
 * padded image, upsampled ({@code nearest} or {@code bilinear}, half-pixel centres as PyTorch's
 * {@code align_corners=False}), argmax over classes (ties: the lower index), computed for the pixels of the
 * original image only (the crop of the padding), plus per-class fractions.
 */
public final class SegmentationPost {
    private SegmentationPost() {
    }

    /** The manifest's {@code postprocess} for {@code segmentation}. */
    public record Params(int stride, boolean bilinear) {
    }

    public static Params parse(JsonNode pp, String what) {
        JsonNode s = pp.path("stride");
        if (!s.isInt() || s.intValue() < 1 || s.intValue() > 64) {
            throw new LicException(ErrorKind.INVALID_PACK, what + ": postprocess.stride must be an integer in 1..64");
        }
        boolean bilinear = switch (pp.path("upsample").asText("")) {
            case "nearest" -> false;
            case "bilinear" -> true;
            default -> throw new LicException(ErrorKind.INVALID_PACK, what
                    + ": postprocess.upsample must be nearest or bilinear");
        };
        return new Params(s.intValue(), bilinear);
    }

    /** The logits' spatial size for a padded image: {@code ceil(pad / stride)}. */
    public static int logitsSize(int padded, int stride) {
        return (padded + stride - 1) / stride;
    }

    /** Per output index along one axis: source indexes i0, i1 and the weight of i1. */
    static void axis(int nOut, int nIn, int stride, boolean bilinear, int[] i0, int[] i1, double[] w1) {
        for (int x = 0; x < nOut; x++) {
            if (!bilinear) {
                i0[x] = Math.min(x / stride, nIn - 1);
                i1[x] = i0[x];
                w1[x] = 0;
            } else {
                double src = Math.max((x + 0.5) / stride - 0.5, 0);
                int a = Math.min((int) Math.floor(src), nIn - 1);
                i0[x] = a;
                i1[x] = Math.min(a + 1, nIn - 1);
                w1[x] = src - a;
            }
        }
    }

    /** Runs the rule on {@code logits[k][lh][lw]} for an original image of {@code width x height}. */
    public static SegmentationOutput run(float[] logits, int k, int lh, int lw, Params p, int width, int height,
                                         List<String> labels) {
        if ((long) k * lh * lw != logits.length) {
            throw new IllegalArgumentException("logits size");
        }
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        double[] wy = new double[height];
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        double[] wx = new double[width];
        axis(height, lh, p.stride(), p.bilinear(), y0, y1, wy);
        axis(width, lw, p.stride(), p.bilinear(), x0, x1, wx);
        int bpp = k <= 256 ? 1 : 2;
        byte[] map = new byte[Math.multiplyExact(Math.multiplyExact(width, height), bpp)];
        long[] counts = new long[k];
        int plane = lh * lw;
        for (int y = 0; y < height; y++) {
            int r0 = y0[y] * lw;
            int r1 = y1[y] * lw;
            double fy = wy[y];
            for (int x = 0; x < width; x++) {
                double fx = wx[x];
                int best = 0;
                double bestV = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    int o = c * plane;
                    double top = logits[o + r0 + x0[x]] * (1 - fx) + logits[o + r0 + x1[x]] * fx;
                    double bot = logits[o + r1 + x0[x]] * (1 - fx) + logits[o + r1 + x1[x]] * fx;
                    double v = top * (1 - fy) + bot * fy;
                    if (v > bestV) {
                        bestV = v;
                        best = c;
                    }
                }
                int i = y * width + x;
                if (bpp == 1) {
                    map[i] = (byte) best;
                } else {
                    map[2 * i] = (byte) best;
                    map[2 * i + 1] = (byte) (best >>> 8);
                }
                counts[best]++;
            }
        }
        double[] fractions = new double[k];
        double total = (double) width * height;
        for (int c = 0; c < k; c++) {
            fractions[c] = counts[c] / total;
        }
        return new SegmentationOutput(map, bpp, width, height, fractions, labels);
    }
}
