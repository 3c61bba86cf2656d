package dev.lic.core.pack;

/**
 * The per-rate, per-channel gains of a variable-rate codec pack ({@code gains.bin}, docs/codec-pack.md):
 * {@code gain[r]} scales the analysis output before quantisation, {@code inverseGain[r]} scales the
 * reconstructed latent back before the adaptor. Immutable; accessors return copies.
 */
public final class RateGains {
    private final int channels;
    private final float[][] gain;
    private final float[][] inverseGain;

    RateGains(int channels, float[][] gain, float[][] inverseGain) {
        this.channels = channels;
        this.gain = gain;
        this.inverseGain = inverseGain;
    }

    /** {@code R}: the pack's rate indexes are {@code 0 .. R-1}. */
    public int rateCount() {
        return gain.length;
    }

    /** {@code M}. */
    public int channels() {
        return channels;
    }

    /** {@code gain[rate]}, {@code M} values; the encoder graph's second input. */
    public float[] gain(int rate) {
        return row(gain, rate).clone();
    }

    /** {@code inv_gain[rate]}, {@code M} values; multiplies {@code y_hat} before the adaptor. */
    public float[] inverseGain(int rate) {
        return row(inverseGain, rate).clone();
    }

    private float[] row(float[][] table, int rate) {
        if (rate < 0 || rate >= table.length) {
            throw new IllegalArgumentException("rate " + rate + " is outside 0.." + (table.length - 1));
        }
        return table[rate];
    }
}
