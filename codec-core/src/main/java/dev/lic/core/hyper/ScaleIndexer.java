package dev.lic.core.hyper;

/**
 * Maps {@code scale_q} to the index of the y table it is coded with ({@code docs/bitstream.md}):
 * {@code k = #{ j : scale_q > T[j] }} for the strictly increasing thresholds {@code T}. Immutable.
 */
public final class ScaleIndexer {
    private final int[] thresholds;

    /**
     * @throws IllegalArgumentException unless {@code thresholds} is strictly increasing
     */
    public ScaleIndexer(int[] thresholds) {
        for (int j = 0; j + 1 < thresholds.length; j++) {
            if (thresholds[j] >= thresholds[j + 1]) {
                throw new IllegalArgumentException("thresholds are not strictly increasing at " + j);
            }
        }
        this.thresholds = thresholds.clone();
    }

    /** Number of tables this indexer selects among: thresholds + 1. */
    public int tableCount() {
        return thresholds.length + 1;
    }

    public int index(int scaleQ) {
        // Branch-free lower bound (the JIT turns the ternary into a conditional move): scale values are
        // spread over the tables, so a branching binary search mispredicts about every other step.
        int[] t = thresholds;
        int n = t.length;
        if (n == 0) {
            return 0;
        }
        int base = 0;
        while (n > 1) {
            int half = n >>> 1;
            base = t[base + half] < scaleQ ? base + half : base;
            n -= half;
        }
        return base + (t[base] < scaleQ ? 1 : 0);
    }

    public int[] indexes(int[] scaleQ) {
        int[] out = new int[scaleQ.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = index(scaleQ[i]);
        }
        return out;
    }
}
