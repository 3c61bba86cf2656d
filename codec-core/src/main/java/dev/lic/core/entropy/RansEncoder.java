package dev.lic.core.entropy;

import java.util.Arrays;

/**
 * rANS encoder with 16-bit CDFs, 16-bit words and a 32-bit state, exactly as {@code docs/entropy-coding.md}.
 *
 * <p>Symbols outside a table's direct range are coded with the table's escape symbol followed by the
 * value's magnitude in 4-bit chunks. The encoder walks the symbols backwards so that the decoder reads
 * them forwards. Stateless; safe to call from many threads.
 */
public final class RansEncoder {
    static final long L = 1L << 16;

    private RansEncoder() {
    }

    /**
     * Encodes {@code symbols[i]} with table {@code cdfIndexes[i]}.
     *
     * @return the stream: state high word, state low word, then the words in the decoder's reading order,
     *     each 16-bit word little-endian. An empty input gives the 4 bytes of the initial state.
     * @throws IllegalArgumentException if the arrays differ in length or an index names no table
     */
    public static byte[] encode(int[] symbols, int[] cdfIndexes, CdfTables tables) {
        if (symbols.length != cdfIndexes.length) {
            throw new IllegalArgumentException(symbols.length + " symbols but " + cdfIndexes.length + " cdf indexes");
        }
        int tableCount = tables.count();
        for (int i = 0; i < cdfIndexes.length; i++) {
            if (cdfIndexes[i] < 0 || cdfIndexes[i] >= tableCount) {
                throw new IllegalArgumentException("cdf index " + cdfIndexes[i] + " at " + i + " names no table (of "
                        + tableCount + ")");
            }
        }
        final int[] cdf = tables.cdf;
        final int[] base = tables.base;
        final int[] sizes = tables.sizesArray();
        final int[] offsets = tables.offsetsArray();
        char[] words = new char[Math.max(16, symbols.length / 2 + 16)];
        int w = 0;
        long x = L;
        for (int i = symbols.length - 1; i >= 0; i--) {
            int t = cdfIndexes[i];
            int maxValue = sizes[t] - 2;
            long value = (long) symbols[i] - offsets[t];
            int b = base[t];
            if (value >= 0 && value < maxValue) {
                int k = b + (int) value;
                int start = cdf[k];
                int freq = cdf[k + 1] - start;
                long xMax = (long) freq << 16;
                while (x >= xMax) {
                    if (w == words.length) {
                        words = Arrays.copyOf(words, words.length * 2);
                    }
                    words[w++] = (char) x;
                    x >>>= 16;
                }
                x = ((x / freq) << 16) + (x % freq) + start;
                continue;
            }
            long raw = value < 0 ? -2 * value - 1 : 2 * (value - maxValue);
            int n = raw == 0 ? 0 : (64 - Long.numberOfLeadingZeros(raw) + 3) >>> 2;
            if (words.length - w < 2 * n + 8) {
                words = Arrays.copyOf(words, words.length * 2 + 2 * n + 8);
            }
            // Forward order is: escape, count chunks (15, 15, ..., n % 15), raw chunks low first.
            for (int k = n - 1; k >= 0; k--) {
                int chunk = (int) (raw >>> (4 * k)) & 15;
                if (x >= (1L << 28)) {
                    words[w++] = (char) x;
                    x >>>= 16;
                }
                x = (x << 4) + chunk;
            }
            for (int m = n % 15, rep = n / 15; rep >= 0; rep--, m = 15) {
                if (x >= (1L << 28)) {
                    words[w++] = (char) x;
                    x >>>= 16;
                }
                x = (x << 4) + m;
            }
            int k = b + maxValue;
            int start = cdf[k];
            int freq = cdf[k + 1] - start;
            long xMax = (long) freq << 16;
            while (x >= xMax) {
                if (w == words.length) {
                    words = Arrays.copyOf(words, words.length * 2);
                }
                words[w++] = (char) x;
                x >>>= 16;
            }
            x = ((x / freq) << 16) + (x % freq) + start;
        }
        byte[] out = new byte[4 + 2 * w];
        int hi = (int) (x >>> 16);
        int lo = (int) x & 0xFFFF;
        out[0] = (byte) hi;
        out[1] = (byte) (hi >>> 8);
        out[2] = (byte) lo;
        out[3] = (byte) (lo >>> 8);
        for (int j = 0, p = 4; j < w; j++, p += 2) {
            char word = words[w - 1 - j];
            out[p] = (byte) word;
            out[p + 1] = (byte) (word >>> 8);
        }
        return out;
    }
}
