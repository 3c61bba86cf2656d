package dev.lic.core.hyper;

/**
 * Maps {@code scale_q} to the index of the y table it is coded with ({@code docs/bitstream.md}):
 * {@code k = #{ j : scale_q > T[j] }} for the strictly increasing thresholds {@code T}. Immutable.
 *
 * <p>A decode asks this for every y element (295 k for a Kodak image), so the count is looked up, not
 * searched: {@code scale_q} falls into one of {@value #SUB_BUCKETS} buckets per octave (its exponent and
 * top mantissa bits, monotonic in the value), a table gives the thresholds below the bucket, and at most
 * two comparisons settle the thresholds inside it. Log-spaced thresholds (ratio about 1.13 between
 * neighbours) put at most one in a bucket (ratio 2^(1/16)); for any other table with more than two in
 * some bucket the indexer uses a branch-free binary search. Both give the same counts.
 */
public final class ScaleIndexer {
    private static final int SUB_BITS = 4;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Bucket 0 holds every value {@code <= 0}; values {@code >= 1} take 1 + exponent * 16 + mantissa bits. */
    private static final int BUCKETS = 1 + 31 * SUB_BUCKETS;
    /** The thresholds followed by two never-below sentinels, so that both comparisons stay in range. */
    private final int[] padded;
    private final int count;
    /** Per bucket: the number of thresholds in lower buckets; {@code null} if a bucket holds more than two. */
    private final int[] below;

    /**
     * @throws IllegalArgumentException unless {@code thresholds} is strictly increasing
     */
    public ScaleIndexer(int[] thresholds) {
        for (int j = 0; j + 1 < thresholds.length; j++) {
            if (thresholds[j] >= thresholds[j + 1]) {
                throw new IllegalArgumentException("thresholds are not strictly increasing at " + j);
            }
        }
        this.count = thresholds.length;
        this.padded = java.util.Arrays.copyOf(thresholds, count + 2);
        padded[count] = Integer.MAX_VALUE;
        padded[count + 1] = Integer.MAX_VALUE;
        this.below = bucketTable(thresholds);
    }

    private static int[] bucketTable(int[] t) {
        int[] perBucket = new int[BUCKETS];
        for (int v : t) {
            if (++perBucket[bucket(v)] > 2) {
                return null;
            }
        }
        int[] below = new int[BUCKETS];
        for (int b = 1; b < BUCKETS; b++) {
            below[b] = below[b - 1] + perBucket[b - 1];
        }
        return below;
    }

    /** Non-decreasing in {@code v}: 0 for {@code v <= 0}, else from the exponent and top mantissa bits. */
    private static int bucket(int v) {
        if (v <= 0) {
            return 0;
        }
        int exponent = 31 - Integer.numberOfLeadingZeros(v);
        int mantissa = exponent >= SUB_BITS ? v >>> (exponent - SUB_BITS) : v << (SUB_BITS - exponent);
        return 1 + exponent * SUB_BUCKETS + (mantissa & (SUB_BUCKETS - 1));
    }

    /** Number of tables this indexer selects among: thresholds + 1. */
    public int tableCount() {
        return count + 1;
    }

    public int index(int scaleQ) {
        if (below == null) {
            return searchIndex(scaleQ);
        }
        // Thresholds in lower buckets are all below scale_q, those in higher ones all above it; the (at
        // most two) in its own bucket start at index k. Comparisons become conditional moves, not branches.
        int k = below[bucket(scaleQ)];
        return k + (padded[k] < scaleQ ? 1 : 0) + (padded[k + 1] < scaleQ ? 1 : 0);
    }

    private int searchIndex(int scaleQ) {
        // Branch-free lower bound (the JIT turns the ternary into a conditional move): scale values are
        // spread over the tables, so a branching binary search mispredicts about every other step.
        int[] t = padded;
        int n = count;
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
