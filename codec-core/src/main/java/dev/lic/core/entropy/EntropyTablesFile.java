package dev.lic.core.entropy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads {@code entropy_tables.bin} ({@code docs/codec-pack.md}) and validates every table; any failure is
 * {@link ErrorKind#INVALID_PACK} naming the file.
 */
public final class EntropyTablesFile {
    public static final String FILE_NAME = "entropy_tables.bin";
    private static final int VERSION = 1;

    private EntropyTablesFile() {
    }

    /**
     * @param zChannels {@code N} of the hyper-synthesis; the file must hold exactly one z table per channel
     */
    public static EntropyTables parse(byte[] data, int zChannels) {
        try {
            return read(data, zChannels);
        } catch (BufferUnderflowException e) {
            throw invalid("file ends early");
        }
    }

    private static EntropyTables read(byte[] data, int zChannels) {
        if (data.length < 16 || data[0] != 'L' || data[1] != 'I' || data[2] != 'C' || data[3] != 'E') {
            throw invalid("not an entropy table file (magic LICE)");
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        in.position(4);
        long version = u32(in);
        if (version != VERSION) {
            throw invalid("version " + version + " is not supported (expected " + VERSION + ")");
        }
        long precision = u32(in);
        if (precision != CdfTables.PRECISION) {
            throw invalid("precision " + precision + " is not " + CdfTables.PRECISION);
        }
        long zCount = u32(in);
        if (zCount != zChannels) {
            throw invalid(zCount + " z tables, but the hyper-synthesis has " + zChannels + " z channels");
        }
        CdfTables z = readTables(in, (int) zCount, "z");
        long yCount = u32(in);
        if (yCount < 2 || yCount > 256) {
            throw invalid("y table count " + yCount + " is outside 2..256");
        }
        int[] thresholds = new int[(int) yCount - 1];
        for (int j = 0; j < thresholds.length; j++) {
            thresholds[j] = in.getInt();
            if (j > 0 && thresholds[j] <= thresholds[j - 1]) {
                throw invalid("scale thresholds are not strictly increasing at " + j);
            }
        }
        CdfTables y = readTables(in, (int) yCount, "y");
        if (in.hasRemaining()) {
            throw invalid(in.remaining() + " unexpected bytes after the y tables");
        }
        return new EntropyTables(z, y, thresholds);
    }

    private static CdfTables readTables(ByteBuffer in, int count, String which) {
        int[][] cdfs = new int[count][];
        int[] sizes = new int[count];
        int[] offsets = new int[count];
        for (int t = 0; t < count; t++) {
            offsets[t] = in.getInt();
            long size = u32(in);
            if (size < 3 || size > CdfTables.MAX_SIZE) {
                throw invalid(which + " table " + t + ": size " + size + " is outside 3.." + CdfTables.MAX_SIZE);
            }
            if (size * 4 > in.remaining()) {
                throw invalid("file ends early (" + which + " table " + t + ")");
            }
            sizes[t] = (int) size;
            cdfs[t] = new int[(int) size];
            for (int k = 0; k < size; k++) {
                long v = u32(in);
                if (v > CdfTables.TOTAL) {
                    throw invalid(which + " table " + t + ": cdf[" + k + "] = " + v + " is above " + CdfTables.TOTAL);
                }
                cdfs[t][k] = (int) v;
            }
        }
        try {
            return new CdfTables(cdfs, sizes, offsets);
        } catch (IllegalArgumentException e) {
            throw invalid(which + " " + e.getMessage());
        }
    }

    private static long u32(ByteBuffer in) {
        return Integer.toUnsignedLong(in.getInt());
    }

    private static LicException invalid(String reason) {
        return new LicException(ErrorKind.INVALID_PACK, FILE_NAME + ": " + reason);
    }
}
