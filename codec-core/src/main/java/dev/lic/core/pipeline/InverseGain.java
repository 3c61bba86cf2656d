package dev.lic.core.pipeline;

/**
 * Step 5 of docs/bitstream.md for a variable-rate pack: {@code y_dec[c][i][j] = y_hat[c][i][j] *
 * inv_gain[r][c]}, one binary32 product per value, so every implementation hands the adaptor the same floats.
 */
public final class InverseGain {
    private InverseGain() {
    }

    /** Multiplies each channel plane of {@code yHat} ({@code [M][h][w]}, channel-major) in place. */
    public static void apply(float[] yHat, float[] inverseGain) {
        int channels = inverseGain.length;
        if (channels == 0 || yHat.length % channels != 0) {
            throw new IllegalArgumentException(yHat.length + " latent values do not split into " + channels
                    + " channels");
        }
        int plane = yHat.length / channels;
        for (int c = 0; c < channels; c++) {
            float g = inverseGain[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                yHat[i] = yHat[i] * g; // float * float: rounded once to binary32, as the spec requires
            }
        }
    }
}
