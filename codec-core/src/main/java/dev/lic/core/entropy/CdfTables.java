package dev.lic.core.entropy;

/**
 * A validated set of 16-bit cumulative frequency tables for the rANS coder ({@code docs/entropy-coding.md}).
 *
 * <p>Table {@code t} is {@code cdf[t][0 .. size[t]-1]}; it codes the values {@code offset[t] ..
 * offset[t] + size[t] - 3} directly and uses its last symbol ({@code size[t] - 2}) as the escape.
 * REQUIRES, checked here on construction and never while coding: {@code 3 <= size <= 65537},
 * {@code cdf[0] == 0}, {@code cdf[size-1] == 65536}, {@code cdf[k] < cdf[k+1]}.
 *
 * <p>Instances are immutable and shared by any number of coders. The tables are kept flattened (one
 * {@code int[]} of all CDF entries) and come with a coarse slot-to-symbol index that lets the decoder
 * find a symbol in one or two steps.
 */
public final class CdfTables {
    /** Coder precision in bits; every table sums to {@code 1 << PRECISION}. */
    public static final int PRECISION = 16;
    static final int TOTAL = 1 << PRECISION;
    /** Largest table size the format allows (65536 symbols plus the final entry). */
    public static final int MAX_SIZE = TOTAL + 1;
    /** The decoder's slot index has one entry per {@code 1 << BUCKET_SHIFT} slots. */
    static final int BUCKET_SHIFT = 6;
    static final int BUCKETS = TOTAL >>> BUCKET_SHIFT;

    private final int count;
    private final int[] sizes;
    private final int[] offsets;
    /** Start of each table in {@link #cdf}. */
    final int[] base;
    /** All tables, concatenated. */
    final int[] cdf;
    /** For table t, bucket b: the largest symbol s with cdf[s] <= b << BUCKET_SHIFT, at t * BUCKETS + b. */
    final char[] bucketSymbol;

    /**
     * Validates and copies the tables.
     *
     * @throws IllegalArgumentException naming the first table that breaks a REQUIRES
     */
    public CdfTables(int[][] cdfs, int[] cdfSizes, int[] offsets) {
        if (cdfs == null || cdfSizes == null || offsets == null) {
            throw new IllegalArgumentException("cdfs, sizes and offsets are required");
        }
        if (cdfs.length != cdfSizes.length || cdfs.length != offsets.length) {
            throw new IllegalArgumentException("cdfs (" + cdfs.length + "), sizes (" + cdfSizes.length
                    + ") and offsets (" + offsets.length + ") differ in length");
        }
        this.count = cdfs.length;
        this.sizes = cdfSizes.clone();
        this.offsets = offsets.clone();
        this.base = new int[count];
        long total = 0;
        for (int t = 0; t < count; t++) {
            int size = sizes[t];
            if (size < 3 || size > MAX_SIZE) {
                throw new IllegalArgumentException("table " + t + ": size " + size + " is outside 3.." + MAX_SIZE);
            }
            if (cdfs[t] == null || cdfs[t].length < size) {
                throw new IllegalArgumentException("table " + t + ": fewer than " + size + " cdf entries");
            }
            base[t] = Math.toIntExact(total);
            total += size;
        }
        this.cdf = new int[Math.toIntExact(total)];
        this.bucketSymbol = new char[Math.multiplyExact(count, BUCKETS)];
        for (int t = 0; t < count; t++) {
            int[] c = cdfs[t];
            int size = sizes[t];
            if (c[0] != 0) {
                throw new IllegalArgumentException("table " + t + ": cdf[0] is " + c[0] + ", not 0");
            }
            if (c[size - 1] != TOTAL) {
                throw new IllegalArgumentException("table " + t + ": cdf[" + (size - 1) + "] is " + c[size - 1]
                        + ", not " + TOTAL);
            }
            for (int k = 0; k + 1 < size; k++) {
                if (c[k] >= c[k + 1]) {
                    throw new IllegalArgumentException("table " + t + ": cdf is not strictly increasing at " + k
                            + " (every symbol needs frequency >= 1)");
                }
            }
            System.arraycopy(c, 0, cdf, base[t], size);
            fillBuckets(t);
        }
    }

    private void fillBuckets(int t) {
        int b0 = base[t];
        int s = 0;
        int last = sizes[t] - 2; // the escape, the last symbol
        for (int b = 0; b < BUCKETS; b++) {
            int slot = b << BUCKET_SHIFT;
            while (s < last && cdf[b0 + s + 1] <= slot) {
                s++;
            }
            bucketSymbol[t * BUCKETS + b] = (char) s;
        }
    }

    public int count() {
        return count;
    }

    public int size(int table) {
        return sizes[table];
    }

    public int offset(int table) {
        return offsets[table];
    }

    /** {@code cdf[table][k]}. */
    public int cdf(int table, int k) {
        if (k < 0 || k >= sizes[table]) {
            throw new IndexOutOfBoundsException("k " + k + " outside table " + table);
        }
        return cdf[base[table] + k];
    }

    /** A copy of table {@code table}'s CDF. */
    public int[] cdf(int table) {
        int[] out = new int[sizes[table]];
        System.arraycopy(cdf, base[table], out, 0, out.length);
        return out;
    }

    /** The symbol index of the escape of table {@code table}, {@code size - 2}. */
    public int escape(int table) {
        return sizes[table] - 2;
    }

    int[] sizesArray() {
        return sizes;
    }

    int[] offsetsArray() {
        return offsets;
    }
}
