package dev.lic.bench;

import dev.lic.core.entropy.CdfTables;
import dev.lic.core.entropy.RansDecoder;
import dev.lic.core.entropy.RansEncoder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * rANS coder throughput on a y section shaped like a Kodak image's (M x 32 x 48 symbols, M of the default
 * codec pack: 192), coded with that pack's own 64 Gaussian tables and symbols drawn from the scale each
 * table models.
 * MB/s = {@link #streamBytes} / time per operation (printed at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RansBenchmark {
    static final int POSITIONS = 32 * 48;

    CdfTables tables;
    int[] symbols;
    int[] indexes;
    byte[] stream;
    public int streamBytes;

    @Setup
    public void setup() {
        BenchData.YTables y = BenchData.shippedYTables();
        tables = y.tables();
        Random random = new Random(42);
        int count = y.channels() * POSITIONS;
        symbols = new int[count];
        indexes = new int[count];
        for (int i = 0; i < count; i++) {
            // Most latents are small: bias towards the low scale indexes, as trained models do.
            int k = Math.min(tables.count() - 1, (int) Math.abs(random.nextGaussian() * tables.count() / 4));
            indexes[i] = k;
            symbols[i] = (int) Math.round(random.nextGaussian() * y.scales()[k]);
        }
        stream = RansEncoder.encode(symbols, indexes, tables);
        streamBytes = stream.length;
        System.out.printf("%n[rans] %d symbols -> %d bytes (%.3f bits/symbol)%n", count, streamBytes,
                streamBytes * 8.0 / count);
    }

    @Benchmark
    public byte[] encode() {
        return RansEncoder.encode(symbols, indexes, tables);
    }

    @Benchmark
    public int[] decode() {
        return RansDecoder.decode(stream, indexes, tables);
    }
}
