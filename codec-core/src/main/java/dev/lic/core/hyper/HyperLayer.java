package dev.lic.core.hyper;

/**
 * One layer of the integer hyper-synthesis as stored in {@code hyper_synthesis.bin}
 * ({@code docs/codec-pack.md}): a convolution or transposed convolution with int8 weights, an int32 bias
 * in accumulator units, and a per-channel requantisation {@code (acc * multiplier + 2^(shift-1)) >> shift}
 * clamped to {@code [outMin, outMax]}.
 *
 * <p>Arrays are owned by the layer and never handed out; the parser validated every field.
 */
final class HyperLayer {
    final boolean transposed;
    final int kernel;
    final int stride;
    final int padding;
    final int outputPadding;
    final int inChannels;
    final int outChannels;
    final int outMin;
    final int outMax;
    /** {@code [Co][Ci][K][K]}, widened from int8. */
    final int[] weights;
    final int[] bias;
    final int[] multiplier;
    final int[] shift;

    HyperLayer(boolean transposed, int kernel, int stride, int padding, int outputPadding, int inChannels,
               int outChannels, int outMin, int outMax, int[] weights, int[] bias, int[] multiplier, int[] shift) {
        this.transposed = transposed;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.outMin = outMin;
        this.outMax = outMax;
        this.weights = weights;
        this.bias = bias;
        this.multiplier = multiplier;
        this.shift = shift;
    }

    /** Output size along one axis for input size {@code n}, or -1 when the layer does not fit exactly. */
    long outputSize(long n) {
        if (transposed) {
            return (n - 1) * stride - 2L * padding + kernel + outputPadding;
        }
        long span = n + 2L * padding - kernel;
        if (span < 0 || span % stride != 0) {
            return -1;
        }
        return span / stride + 1;
    }

    /** Largest absolute value the requantised output can take. */
    long maxAbsOutput() {
        return Math.max(Math.abs((long) outMin), Math.abs((long) outMax));
    }

    String describe() {
        return (transposed ? "transposed conv" : "conv") + " " + inChannels + "->" + outChannels + " k" + kernel
                + " s" + stride + " p" + padding + (transposed ? " op" + outputPadding : "");
    }
}
