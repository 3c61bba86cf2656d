package dev.lic.core.onnx;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param intraOpThreads threads one run may use; {@code 0} lets ONNX Runtime choose
 * @param useCuda ask for the CUDA provider; without it (or without a GPU) sessions run on the CPU
 */
public record SessionConfig(int intraOpThreads, boolean useCuda) {
    public SessionConfig {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0");
        }
    }
}
