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
        int lo = 0;
        int hi = thresholds.length; // answer in [lo, hi]: the count of thresholds below scaleQ
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (thresholds[mid] < scaleQ) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    public int[] indexes(int[] scaleQ) {
        int[] out = new int[scaleQ.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = index(scaleQ[i]);
        }
        return out;
    }
}
