package dev.lic.core.adaptor;

/**
 * A loaded adaptor: turns a codec's decoded latent {@code y_dec} ({@code [M][h][w]}, channel-major, see
 * docs/bitstream.md step 5) into the typed output of its task. Implementations are thread-safe and hold
 * native resources (ONNX Runtime sessions) until {@link #close()}; the registry closes an adaptor only
 * when no request holds a lease on it.
 */
public interface TaskAdaptor extends AutoCloseable {
    /** The task kind, the manifest's {@code task} (e.g. {@code image}). */
    String task();

    /** Runs on {@code yDec[m][h][w]}. @throws dev.lic.core.LicException INVALID_PACK when the graph's output disagrees with the task's shape */
    AdaptorOutput run(float[] yDec, int m, int h, int w);

    /**
     * The warm-up and dry run before the adaptor may serve: runs a small latent of {@code m} channels and
     * checks that the output has the task's shape. @throws dev.lic.core.LicException INVALID_PACK
     */
    void selfTest(int m);

    @Override
    void close();
}
