package dev.lic.bench;

import dev.lic.core.CodecOptions;
import dev.lic.core.entropy.CdfTables;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;

/** Benchmark inputs taken from the shipped default codec pack, so the coder is timed on its real tables. */
final class BenchData {
    private BenchData() {}

    /** The y tables, the scale each models, and the pack's y channel count M. */
    record YTables(CdfTables tables, double[] scales, int channels) {}

    static YTables shippedYTables() {
        CodecPack pack = CodecPack.load(PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK));
        CdfTables y = pack.entropyTables().y();
        // Table k models a zero-mean Gaussian; its spread is recovered from the table itself.
        double[] scales = new double[y.count()];
        for (int k = 0; k < y.count(); k++) {
            scales[k] = Math.max(0.11, (y.size(k) - 2) / 12.2);
        }
        return new YTables(y, scales, pack.yChannels());
    }
}
