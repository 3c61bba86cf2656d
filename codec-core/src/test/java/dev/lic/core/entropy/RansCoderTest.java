package dev.lic.core.entropy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class RansCoderTest {
    private static final CdfTables SMALL = new CdfTables(
            new int[][] {{0, 16384, 49152, 65535, 65536}, {0, 30000, 65536}},
            new int[] {5, 3}, new int[] {-1, 10});

    @Test
    void emptyInputIsTheInitialState() {
        byte[] out = RansEncoder.encode(new int[0], new int[0], SMALL);
        assertThat(out).containsExactly(1, 0, 0, 0);
        assertThat(RansDecoder.decode(out, new int[0], SMALL)).isEmpty();
    }

    @Test
    void roundTripsDirectAndEscapedSymbolsInBothDirections() {
        int[] symbols = {-1, 0, 1, 2, -2, 3, 1000, -1000, 10, 11, 9, 12, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1, 0, 0};
        int[] tables = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1};
        byte[] out = RansEncoder.encode(symbols, tables, SMALL);
        assertThat(RansDecoder.decode(out, tables, SMALL)).containsExactly(symbols);
    }

    @Test
    void escapeBoundariesRoundTrip() {
        // Table 0 codes -1..1 directly; 2 is the escape with raw 0; 3 raw 2; -2 raw 1; 2^k around chunk edges.
        int[] symbols = new int[80];
        for (int k = 0; k < 40; k++) {
            long v = 1L << (k % 32);
            symbols[2 * k] = (int) Math.min(Integer.MAX_VALUE, v + 1);
            symbols[2 * k + 1] = (int) Math.max(Integer.MIN_VALUE, -v - 2);
        }
        int[] tables = new int[symbols.length];
        assertThat(RansDecoder.decode(RansEncoder.encode(symbols, tables, SMALL), tables, SMALL))
                .containsExactly(symbols);
    }

    @Test
    void randomRoundTrips() {
        Random random = new Random(1234);
        for (int round = 0; round < 200; round++) {
            CdfTables tables = RandomTables.create(random, 1 + random.nextInt(8), 3 + random.nextInt(300));
            int n = random.nextInt(2000);
            int[] symbols = new int[n];
            int[] indexes = new int[n];
            for (int i = 0; i < n; i++) {
                int t = random.nextInt(tables.count());
                indexes[i] = t;
                int r = random.nextInt(100);
                if (r < 85) {
                    symbols[i] = tables.offset(t) + random.nextInt(tables.size(t) - 2);
                } else if (r < 95) {
                    symbols[i] = tables.offset(t) + random.nextInt(2000) - 1000;
                } else {
                    symbols[i] = random.nextInt();
                }
            }
            byte[] stream = RansEncoder.encode(symbols, indexes, tables);
            assertThat(stream.length % 2).isZero();
            assertThat(RansDecoder.decode(stream, indexes, tables)).containsExactly(symbols);
        }
    }

    @Test
    void decodesASectionInsideALargerArray() {
        int[] symbols = {0, 1, -1, 50, 0};
        int[] tables = {0, 0, 0, 0, 1};
        byte[] stream = RansEncoder.encode(symbols, tables, SMALL);
        byte[] padded = new byte[stream.length + 7];
        System.arraycopy(stream, 0, padded, 3, stream.length);
        assertThat(RansDecoder.decode(padded, 3, stream.length, tables, SMALL)).containsExactly(symbols);
    }

    @Test
    void rejectsMalformedStreams() {
        int[] symbols = {0, 1, -1, 50, 0, 7, 7, 7};
        int[] tables = {0, 0, 0, 0, 1, 0, 0, 0};
        byte[] stream = RansEncoder.encode(symbols, tables, SMALL);
        assertCorrupt(() -> RansDecoder.decode(new byte[3], new int[0], SMALL));
        assertCorrupt(() -> RansDecoder.decode(new byte[5], new int[0], SMALL));
        assertCorrupt(() -> RansDecoder.decode(Arrays.copyOf(stream, stream.length - 2), tables, SMALL));
        assertCorrupt(() -> RansDecoder.decode(Arrays.copyOf(stream, stream.length + 2), tables, SMALL));
        assertCorrupt(() -> RansDecoder.decode(stream, Arrays.copyOf(tables, tables.length - 1), SMALL));
        assertCorrupt(() -> RansDecoder.decode(new byte[] {2, 0, 0, 0}, new int[0], SMALL));
    }

    @Test
    void rejectsAnEscapeAnnouncingTooManyChunks() {
        // Forge a stream whose escape is followed by a chunk count of 10.
        CdfTables t = SMALL;
        int escapeStart = t.cdf(1, 1); // table 1: symbol 1 is the escape
        int freq = t.cdf(1, 2) - escapeStart;
        long x = RansEncoder.L;
        x = (x << 4) + 10;                                  // count op, 4 bits
        x = ((x / freq) << 16) + (x % freq) + escapeStart; // escape op
        byte[] stream = {(byte) (x >>> 16), (byte) (x >>> 24), (byte) x, (byte) (x >>> 8)};
        Throwable thrown = catchThrowable(() -> RansDecoder.decode(stream, new int[] {1}, t));
        assertThat(thrown).isInstanceOf(LicException.class).hasMessageContaining("chunks");
    }

    @Test
    void decodingWithOtherTablesNeverReturnsSymbols() {
        Random random = new Random(7);
        CdfTables a = RandomTables.create(random, 4, 64);
        CdfTables b = RandomTables.create(random, 4, 64);
        int failures = 0;
        for (int round = 0; round < 100; round++) {
            int[] symbols = new int[200];
            int[] indexes = new int[200];
            for (int i = 0; i < symbols.length; i++) {
                indexes[i] = random.nextInt(4);
                symbols[i] = a.offset(indexes[i]) + random.nextInt(a.size(indexes[i]) - 2);
            }
            byte[] stream = RansEncoder.encode(symbols, indexes, a);
            try {
                int[] decoded = RansDecoder.decode(stream, indexes, b);
                assertThat(decoded).isNotEqualTo(symbols); // astronomically unlikely, but a success is legal
            } catch (LicException e) {
                assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_BITSTREAM);
                failures++;
            }
        }
        assertThat(failures).isGreaterThan(90);
    }

    @Test
    void garbageStreamsFailCleanly() {
        Random random = new Random(99);
        CdfTables tables = RandomTables.create(random, 3, 40);
        for (int round = 0; round < 2000; round++) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            int[] indexes = new int[random.nextInt(100)];
            for (int i = 0; i < indexes.length; i++) {
                indexes[i] = random.nextInt(3);
            }
            try {
                RansDecoder.decode(garbage, indexes, tables);
            } catch (LicException e) {
                assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_BITSTREAM);
            }
        }
    }

    @Test
    void rejectsIndexesThatNameNoTable() {
        assertThatThrownBy(() -> RansEncoder.encode(new int[] {0}, new int[] {2}, SMALL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RansEncoder.encode(new int[] {0}, new int[0], SMALL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RansDecoder.decode(new byte[4], new int[] {-1}, SMALL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertCorrupt(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_BITSTREAM));
    }
}
