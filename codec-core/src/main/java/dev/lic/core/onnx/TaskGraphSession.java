package dev.lic.core.onnx;

import dev.lic.core.pack.AdaptorPack;

import java.util.List;
import java.util.Set;

/**
 * The graph of a typed adaptor pack ({@code graph.file}): {@code y_dec [1,M,h,w]} to the task's raw output
 * (detection predictions, segmentation logits), float. Thread-safe; create once per pack.
 */
public final class TaskGraphSession implements AutoCloseable {
    private final OnnxSession session;
    private final String output;

    /** A raw output: values and shape. */
    public record Result(float[] values, long[] shape) {
    }

    public TaskGraphSession(AdaptorPack pack, SessionConfig config) {
        this.output = pack.synthesisOutput();
        this.session = new OnnxSession(pack.synthesisOnnx(), List.of(pack.synthesisInput()), Set.of(output), config,
                "pack " + pack.source().describe() + ": " + pack.graphFile());
    }

    /** Runs on {@code yDec[m][h][w]}. */
    public Result run(float[] yDec, int m, int h, int w) {
        OnnxSession.Output out = session.run(List.of(new OnnxSession.Input(yDec, new long[] {1, m, h, w})), output)[0];
        return new Result(out.values(), out.shape());
    }

    /** Checks a result's shape: INVALID_PACK when the graph disagrees with its manifest. */
    public void expectShape(Result result, long... expected) {
        session.expectShape(output, result.shape(), expected);
    }

    @Override
    public void close() {
        session.close();
    }
}
