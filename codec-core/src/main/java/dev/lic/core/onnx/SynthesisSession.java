package dev.lic.core.onnx;

import dev.lic.core.pack.AdaptorPack;

import java.util.List;
import java.util.Set;

/**
 * The synthesis graph of an image adaptor pack ({@code synthesis.onnx}): {@code y_hat [1,M,h,w]} to an
 * image {@code [1,3,16h,16w]}, float, nominally {@code [0,1]}. Thread-safe; create once per pack.
 */
public final class SynthesisSession implements AutoCloseable {
    private final OnnxSession session;
    private final String output;

    public SynthesisSession(AdaptorPack pack, SessionConfig config) {
        this.output = pack.synthesisOutput();
        this.session = new OnnxSession(pack.synthesisOnnx(), List.of(pack.synthesisInput()), Set.of(output), config,
                "pack " + pack.source().describe() + ": " + pack.graphFile());
    }

    /** Runs on {@code yHat[m][h][w]} and returns the planes {@code [3][16h][16w]}. */
    public float[] run(float[] yHat, int m, int h, int w) {
        OnnxSession.Output out = session.run(yHat, new long[] {1, m, h, w}, output)[0];
        session.expectShape(output, out.shape(), 1, 3, 16L * h, 16L * w);
        return out.values();
    }

    public boolean usesCuda() {
        return session.usesCuda();
    }

    @Override
    public void close() {
        session.close();
    }
}
