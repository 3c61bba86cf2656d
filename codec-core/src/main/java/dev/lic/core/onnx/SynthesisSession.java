package dev.lic.core.onnx;

import dev.lic.api.LatentGrid;
import dev.lic.core.Cancellation;
import dev.lic.core.image.RgbImage;
import dev.lic.core.pack.AdaptorPack;

import java.util.List;
import java.util.Set;

/**
 * The synthesis graph of an image adaptor pack ({@code synthesis.onnx}): {@code y_hat [1,M,h,w]} to an
 * image {@code [1,3,16h,16w]}, float, nominally {@code [0,1]}. Thread-safe; create once per pack.
 */
public final class SynthesisSession implements AutoCloseable {
    /** Pixels per latent position along each side. */
    private static final int STRIDE = LatentGrid.Y_STRIDE;

    private final OnnxSession session;
    private final String output;

    public SynthesisSession(AdaptorPack pack, SessionConfig config) {
        this.output = pack.synthesisOutput();
        this.session = new OnnxSession(pack.synthesisOnnx(), List.of(pack.synthesisInput()), Set.of(output), config,
                "pack " + pack.source().describe() + ": " + pack.graphFile());
    }

    /** Runs on {@code yHat[m][h][w]} and returns the planes {@code [3][16h][16w]}. */
    public float[] run(float[] yHat, int m, int h, int w) {
        return run(yHat, m, h, w, Cancellation.NONE);
    }

    /** As {@link #run(float[], int, int, int)}, stopped early (CancelledException) when cancelled. */
    public float[] run(float[] yHat, int m, int h, int w, Cancellation cancellation) {
        OnnxSession.Output out = session.run(yHat, new long[] {1, m, h, w}, cancellation, output)[0];
        session.expectShape(output, out.shape(), 1, 3, (long) STRIDE * h, (long) STRIDE * w);
        return out.values();
    }

    /**
     * The 8-bit image of {@code yHat[m][h][w]}, cropped to {@code width x height}, synthesised whole or in
     * tiles by {@code tiling} (one tile at a time, cancellation checked between tiles).
     */
    public RgbImage synthesize(float[] yHat, int m, int h, int w, int width, int height, SynthesisTiling tiling,
                               Cancellation cancellation) {
        if (tiling.whole(h, w)) {
            return RgbImage.fromPlanes(run(yHat, m, h, w, cancellation), STRIDE * w, STRIDE * h, width, height);
        }
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        int core = tiling.core();
        int margin = tiling.margin();
        for (int r0 = 0; r0 < h && STRIDE * r0 < height; r0 += core) {
            for (int c0 = 0; c0 < w && STRIDE * c0 < width; c0 += core) {
                cancellation.check("synthesis tile at latent (" + r0 + ", " + c0 + ")");
                int r1 = Math.min(h, r0 + core);
                int c1 = Math.min(w, c0 + core);
                int er0 = Math.max(0, r0 - margin);
                int ec0 = Math.max(0, c0 - margin);
                int er1 = Math.min(h, r1 + margin);
                int ec1 = Math.min(w, c1 + margin);
                int th = er1 - er0;
                int tw = ec1 - ec0;
                float[] tile = new float[m * th * tw];
                for (int c = 0; c < m; c++) {
                    for (int i = 0; i < th; i++) {
                        System.arraycopy(yHat, (c * h + er0 + i) * w + ec0, tile, (c * th + i) * tw, tw);
                    }
                }
                float[] planes = run(tile, m, th, tw, cancellation);
                int dx = STRIDE * c0;
                int dy = STRIDE * r0;
                int cw = Math.min(STRIDE * c1, width) - dx;
                int ch = Math.min(STRIDE * r1, height) - dy;
                RgbImage.copyPlanes(planes, STRIDE * tw, STRIDE * (c0 - ec0), STRIDE * (r0 - er0), rgb, width,
                        dx, dy, cw, ch);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    public boolean usesCuda() {
        return session.usesCuda();
    }

    @Override
    public void close() {
        session.close();
    }
}
