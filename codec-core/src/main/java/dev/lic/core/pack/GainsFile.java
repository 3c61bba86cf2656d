package dev.lic.core.pack;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads {@code gains.bin} of a version 2 codec pack ({@code docs/codec-pack.md}): magic {@code LICG},
 * version 1, {@code R} in {@code 1..64}, {@code M} equal to the hyper-synthesis' {@code M}, then
 * {@code gain[R][M]} and {@code inv_gain[R][M]} as binary32, each finite and in {@code [2^-16, 2^16]}, and
 * nothing after them. Any failure is {@link ErrorKind#INVALID_PACK} naming the file and the reason.
 */
public final class GainsFile {
    public static final String FILE_NAME = "gains.bin";
    public static final int MAX_RATES = 64;
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 16;
    private static final float MIN_VALUE = 0x1p-16f;
    private static final float MAX_VALUE = 0x1p16f;

    private GainsFile() {
    }

    /** Parses the file of a pack whose hyper-synthesis has {@code expectedChannels} ({@code M}) outputs. */
    public static RateGains parse(byte[] data, int expectedChannels) {
        if (data.length < HEADER_BYTES || data[0] != 'L' || data[1] != 'I' || data[2] != 'C' || data[3] != 'G') {
            throw invalid("not a gains file (magic LICG and a 16-byte header)");
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        in.position(4);
        long version = u32(in);
        long rates = u32(in);
        long channels = u32(in);
        if (version != VERSION) {
            throw invalid("version " + version + " is not supported (expected " + VERSION + ")");
        }
        if (rates < 1 || rates > MAX_RATES) {
            throw invalid("rate count " + rates + " is outside 1.." + MAX_RATES);
        }
        if (channels != expectedChannels) {
            throw invalid("channel count " + channels + " differs from M = " + expectedChannels
                    + " of hyper_synthesis.bin");
        }
        // Both counts are small here, so the expected length fits a long without overflow.
        long expected = HEADER_BYTES + 2L * rates * channels * Float.BYTES;
        if (data.length < expected) {
            throw invalid("file ends early: " + data.length + " bytes, " + rates + " rates of " + channels
                    + " channels need " + expected);
        }
        if (data.length > expected) {
            throw invalid((data.length - expected) + " unexpected bytes after the inverse gains");
        }
        float[][] gain = readTable(in, "gain", (int) rates, (int) channels);
        float[][] inverse = readTable(in, "inv_gain", (int) rates, (int) channels);
        return new RateGains((int) channels, gain, inverse);
    }

    private static float[][] readTable(ByteBuffer in, String name, int rates, int channels) {
        float[][] table = new float[rates][channels];
        for (int r = 0; r < rates; r++) {
            for (int c = 0; c < channels; c++) {
                float v = in.getFloat();
                if (!Float.isFinite(v)) {
                    throw invalid(name + "[" + r + "][" + c + "] is not finite (" + v + ")");
                }
                if (v < MIN_VALUE || v > MAX_VALUE) {
                    throw invalid(name + "[" + r + "][" + c + "] = " + v + " is outside [2^-16, 2^16]");
                }
                table[r][c] = v;
            }
        }
        return table;
    }

    private static long u32(ByteBuffer in) {
        return Integer.toUnsignedLong(in.getInt());
    }

    private static LicException invalid(String reason) {
        return new LicException(ErrorKind.INVALID_PACK, FILE_NAME + ": " + reason);
    }
}
