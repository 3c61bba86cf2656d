package dev.lic.core.pack;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.TestData;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gains.bin (docs/codec-pack.md): hand-built files, valid and broken one field at a time. */
class GainsFileTest {
    private static final int M = 3;

    /** A gains.bin as the spec lays it out, with fields a test may break before {@link #build}. */
    static final class Builder {
        byte[] magic = {'L', 'I', 'C', 'G'};
        int version = 1;
        int rates;
        int channels;
        float[][] gain;
        float[][] inverse;
        int extraBytes;
        int missingBytes;

        Builder(int rates, int channels) {
            this.rates = rates;
            this.channels = channels;
            gain = new float[rates][channels];
            inverse = new float[rates][channels];
            for (int r = 0; r < rates; r++) {
                for (int c = 0; c < channels; c++) {
                    gain[r][c] = (float) Math.pow(2, r % 8 - 3) * (1 + c / 8f);
                    inverse[r][c] = 1 / gain[r][c] * 1.01f;
                }
            }
        }

        byte[] build() {
            int values = Arrays.stream(gain).mapToInt(row -> row.length).sum()
                    + Arrays.stream(inverse).mapToInt(row -> row.length).sum();
            ByteBuffer b = ByteBuffer.allocate(16 + 4 * values + extraBytes).order(ByteOrder.LITTLE_ENDIAN);
            b.put(magic).putInt(version).putInt(rates).putInt(channels);
            for (float[][] table : new float[][][] {gain, inverse}) {
                for (float[] row : table) {
                    for (float v : row) {
                        b.putFloat(v);
                    }
                }
            }
            return Arrays.copyOf(b.array(), b.capacity() - missingBytes);
        }
    }

    private static void assertRejected(Consumer<Builder> breakIt, String... reason) {
        Builder b = new Builder(4, M);
        breakIt.accept(b);
        assertThatThrownBy(() -> GainsFile.parse(b.build(), M))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PACK))
                .hasMessageStartingWith("gains.bin: ")
                .hasMessageContainingAll(reason);
    }

    @Test
    void readsAValidFile() {
        Builder b = new Builder(4, M);
        RateGains gains = GainsFile.parse(b.build(), M);
        assertThat(gains.rateCount()).isEqualTo(4);
        assertThat(gains.channels()).isEqualTo(M);
        assertThat(gains.gain(2)).containsExactly(b.gain[2]);
        assertThat(gains.inverseGain(3)).containsExactly(b.inverse[3]);
        gains.gain(0)[0] = 99f;
        assertThat(gains.gain(0)[0]).as("accessors return copies").isEqualTo(b.gain[0][0]);
        assertThatThrownBy(() -> gains.gain(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheLimitsOfTheValueRangeAndOfTheRateCount() {
        Builder edges = new Builder(1, M);
        edges.gain[0] = new float[] {0x1p-16f, 0x1p16f, 1f};
        edges.inverse[0] = new float[] {0x1p16f, 0x1p-16f, 1f};
        assertThat(GainsFile.parse(edges.build(), M).inverseGain(0)).containsExactly(0x1p16f, 0x1p-16f, 1f);
        assertThat(GainsFile.parse(new Builder(64, M).build(), M).rateCount()).isEqualTo(64);
    }

    @Test
    void rejectsBrokenHeaders() {
        assertRejected(b -> b.magic = new byte[] {'L', 'I', 'C', 'H'}, "magic LICG");
        assertRejected(b -> b.version = 2, "version 2");
        assertRejected(b -> b.rates = 0, "rate count 0", "1..64");
        assertRejected(b -> b.rates = 65, "rate count 65");
        assertRejected(b -> b.rates = -1, "rate count 4294967295");
        assertRejected(b -> b.channels = M + 1, "channel count 4", "M = 3");
        assertThatThrownBy(() -> GainsFile.parse(new byte[] {'L', 'I', 'C', 'G', 1, 0, 0, 0}, M))
                .isInstanceOf(LicException.class).hasMessageContaining("16-byte header");
        assertThatThrownBy(() -> GainsFile.parse(new byte[0], M)).isInstanceOf(LicException.class);
    }

    @Test
    void rejectsAFileThatDoesNotEndExactly() {
        assertRejected(b -> b.extraBytes = 1, "1 unexpected bytes after the inverse gains");
        assertRejected(b -> b.missingBytes = 4, "file ends early");
        assertRejected(b -> b.rates = 5, "file ends early"); // the header promises a fifth row
        assertRejected(b -> b.rates = 3, "unexpected bytes");
    }

    @Test
    void rejectsValuesOutsideTheRangeOrNotFinite() {
        assertRejected(b -> b.gain[1][2] = Float.NaN, "gain[1][2] is not finite");
        assertRejected(b -> b.gain[0][0] = Float.POSITIVE_INFINITY, "gain[0][0] is not finite");
        assertRejected(b -> b.inverse[3][1] = Float.NEGATIVE_INFINITY, "inv_gain[3][1] is not finite");
        assertRejected(b -> b.inverse[2][0] = 0f, "inv_gain[2][0] = 0.0", "outside [2^-16, 2^16]");
        assertRejected(b -> b.gain[2][0] = -1f, "gain[2][0] = -1.0");
        assertRejected(b -> b.gain[0][1] = Math.nextDown(0x1p-16f), "gain[0][1]", "outside");
        assertRejected(b -> b.inverse[0][1] = Math.nextUp(0x1p16f), "inv_gain[0][1]", "outside");
    }

    @Test
    void theTestPackAndTheShippedPackHaveValidGains() {
        for (var dir : new java.nio.file.Path[] {TestData.tinyVrCodecPack(), TestData.defaultCodecPack()}) {
            CodecPack pack = CodecPack.load(PackSource.directory(dir));
            RateGains gains = GainsFile.parse(TestData.bytes(dir.resolve(GainsFile.FILE_NAME)), pack.yChannels());
            assertThat(gains.rateCount()).isEqualTo(pack.rates().size());
        }
    }
}
