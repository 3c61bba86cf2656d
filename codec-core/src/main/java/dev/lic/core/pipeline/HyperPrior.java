package dev.lic.core.pipeline;

import dev.lic.core.hyper.HyperOutput;
import dev.lic.core.hyper.IntegerHyperSynthesis;
import dev.lic.core.hyper.ScaleIndexer;

import java.util.concurrent.ExecutorService;

/**
 * The entropy parameters of y from {@code z_hat}: the integer hyper-synthesis, then the scale index of
 * every y position (docs/bitstream.md, y section steps 1 and 2). Pure integer arithmetic.
 */
public final class HyperPrior {
    private final IntegerHyperSynthesis net;
    private final ScaleIndexer indexer;

    /** Per y position, channel-major {@code [M][h][w]}: the y table index and the mean in units of 2^-F. */
    public record Parameters(int channels, int height, int width, int[] scaleIndex, int[] meanQ) {
    }

    public HyperPrior(IntegerHyperSynthesis net, ScaleIndexer indexer) {
        this.net = net;
        this.indexer = indexer;
    }

    public Parameters run(int[] zHat, int zHeight, int zWidth, ExecutorService executor) {
        HyperOutput out = net.run(zHat, zHeight, zWidth, executor);
        return new Parameters(out.channels(), out.height(), out.width(), indexer.indexes(out.scaleQ()), out.meanQ());
    }
}
