package dev.lic.core.pipeline;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

/**
 * The float/integer boundary of the codec (docs/bitstream.md, docs/codec-pack.md):
 * {@code z_hat = floor(z + 1/2)}, {@code q = floor(y - mean_q / 2^F + 1/2)} on the encoder side, and
 * {@code y_hat = q + mean_q / 2^F} on the decoder side.
 *
 * <p>All three are evaluated in double precision, where {@code z + 1/2} and {@code q + mean_q / 2^F} are
 * exact, and rounded once (to an integer clamped to the int32 range, or to float32 for {@code y_hat}).
 * A non-finite latent means the analysis graph is broken: INTERNAL.
 */
public final class LatentQuantizer {
    private LatentQuantizer() {
    }

    public static int[] roundZ(float[] z) {
        int[] out = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = toInt(Math.floor((double) z[i] + 0.5), "z");
        }
        return out;
    }

    public static int[] quantizeY(float[] y, int[] meanQ, int fractionBits) {
        if (y.length != meanQ.length) {
            throw new IllegalArgumentException("y has " + y.length + " values, means " + meanQ.length);
        }
        double unit = 1.0 / (1 << fractionBits);
        int[] q = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            q[i] = toInt(Math.floor((double) y[i] - meanQ[i] * unit + 0.5), "y");
        }
        return q;
    }

    public static float[] reconstructY(int[] q, int[] meanQ, int fractionBits) {
        if (q.length != meanQ.length) {
            throw new IllegalArgumentException("q has " + q.length + " values, means " + meanQ.length);
        }
        double unit = 1.0 / (1 << fractionBits);
        float[] yHat = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            yHat[i] = (float) (q[i] + meanQ[i] * unit);
        }
        return yHat;
    }

    private static int toInt(double v, String what) {
        if (Double.isNaN(v)) {
            throw new LicException(ErrorKind.INTERNAL, "the analysis transform produced a non-finite " + what);
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
