package dev.lic.core.entropy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

/**
 * rANS decoder, the inverse of {@link RansEncoder} ({@code docs/entropy-coding.md}).
 *
 * <p>It never reads outside the stream and never loops without consuming input: every failure of the
 * format's integrity checks (odd or short stream, a read past the end, an escape announcing more than
 * 9 chunks, a symbol outside the 32-bit range, unread words or a final state other than the encoder's
 * initial state) is a {@link LicException} of kind {@link ErrorKind#CORRUPT_BITSTREAM}, and no symbols
 * are returned. Stateless; safe to call from many threads.
 */
public final class RansDecoder {
    private static final long L = RansEncoder.L;
    private static final int MAX_CHUNKS = 9;

    private RansDecoder() {
    }

    /** Decodes one symbol per entry of {@code cdfIndexes} from the whole of {@code stream}. */
    public static int[] decode(byte[] stream, int[] cdfIndexes, CdfTables tables) {
        return decode(stream, 0, stream.length, cdfIndexes, tables);
    }

    /**
     * Decodes one symbol per entry of {@code cdfIndexes} from {@code stream[offset .. offset+length)}.
     *
     * @throws LicException CORRUPT_BITSTREAM when an integrity check fails
     * @throws IllegalArgumentException if an index names no table or the range is outside the array
     */
    public static int[] decode(byte[] stream, int offset, int length, int[] cdfIndexes, CdfTables tables) {
        if (offset < 0 || length < 0 || offset > stream.length - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + stream.length + " bytes");
        }
        int tableCount = tables.count();
        for (int i = 0; i < cdfIndexes.length; i++) {
            if (cdfIndexes[i] < 0 || cdfIndexes[i] >= tableCount) {
                throw new IllegalArgumentException("cdf index " + cdfIndexes[i] + " at " + i + " names no table (of "
                        + tableCount + ")");
            }
        }
        if (length < 4 || (length & 1) != 0) {
            throw corrupt("rANS stream of " + length + " bytes (needs an even length of at least 4)");
        }
        final int[] cdf = tables.cdf;
        final int[] base = tables.base;
        final int[] sizes = tables.sizesArray();
        final int[] offsets = tables.offsetsArray();
        final char[] buckets = tables.bucketSymbol;
        final int end = offset + length;
        int pos = offset + 4;
        long x = ((long) word(stream, offset) << 16) | word(stream, offset + 2);
        int[] out = new int[cdfIndexes.length];
        for (int i = 0; i < out.length; i++) {
            int t = cdfIndexes[i];
            int b = base[t];
            int slot = (int) x & 0xFFFF;
            int s = buckets[t * CdfTables.BUCKETS + (slot >>> CdfTables.BUCKET_SHIFT)];
            while (cdf[b + s + 1] <= slot) { // stops at the escape at the latest: its upper bound is 65536
                s++;
            }
            int start = cdf[b + s];
            x = (cdf[b + s + 1] - start) * (x >>> 16) + slot - start;
            if (x < L) {
                if (pos >= end) {
                    throw corrupt("rANS stream ends early (symbol " + i + " of " + out.length + ")");
                }
                x = (x << 16) | word(stream, pos);
                pos += 2;
            }
            int maxValue = sizes[t] - 2;
            if (s < maxValue) {
                long symbol = (long) offsets[t] + s;
                if (symbol > Integer.MAX_VALUE) {
                    throw corrupt("decoded symbol outside the 32-bit range (symbol " + i + ")");
                }
                out[i] = (int) symbol;
                continue;
            }
            // Escape: chunk count (runs of 15 continue it), then the raw value in 4-bit chunks, low first.
            int n = (int) x & 15;
            x >>>= 4;
            if (x < L) {
                if (pos >= end) {
                    throw corrupt("rANS stream ends early (symbol " + i + " of " + out.length + ")");
                }
                x = (x << 16) | word(stream, pos);
                pos += 2;
            }
            if (n > MAX_CHUNKS) { // n == 15 announces at least 15 chunks: also too many
                throw corrupt("escape announces more than " + MAX_CHUNKS + " chunks (symbol " + i + ")");
            }
            long raw = 0;
            for (int k = 0; k < n; k++) {
                raw |= (x & 15) << (4 * k);
                x >>>= 4;
                if (x < L) {
                    if (pos >= end) {
                        throw corrupt("rANS stream ends early (symbol " + i + " of " + out.length + ")");
                    }
                    x = (x << 16) | word(stream, pos);
                    pos += 2;
                }
            }
            long value = (raw & 1) != 0 ? -((raw + 1) >>> 1) : maxValue + (raw >>> 1);
            long symbol = value + offsets[t];
            if (symbol < Integer.MIN_VALUE || symbol > Integer.MAX_VALUE) {
                throw corrupt("decoded symbol outside the 32-bit range (symbol " + i + ")");
            }
            out[i] = (int) symbol;
        }
        if (pos != end) {
            throw corrupt("rANS stream has " + (end - pos) / 2 + " unread words after the last symbol");
        }
        if (x != L) {
            throw corrupt("rANS final state mismatch (stream corrupt or decoded with other tables)");
        }
        return out;
    }

    private static int word(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    private static LicException corrupt(String message) {
        return new LicException(ErrorKind.CORRUPT_BITSTREAM, message);
    }
}
