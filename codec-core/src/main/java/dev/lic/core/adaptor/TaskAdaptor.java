package dev.lic.core.adaptor;

/**
 * A loaded adaptor: turns a codec's decoded latent {@code y_dec} ({@code [M][h][w]}, channel-major, see
 * docs/bitstream.md step 5) into the typed output of its task for an original image of
 * {@code width x height} (inside the padded {@code 16w x 16h}). Implementations are thread-safe and hold
 * native resources (ONNX Runtime sessions) until {@link #close()}; the registry closes an adaptor only
 * when no request holds a lease on it.
 */
public interface TaskAdaptor extends AutoCloseable {
    /** The task kind, the manifest's {@code task} (e.g. {@code image}). */
    String task();

    /**
     * Runs on {@code yDec[m][h][w]} for an original image of {@code width x height}.
     *
     * @throws dev.lic.api.LicException INVALID_PACK when the graph's output disagrees with the task's shape
     */
    AdaptorOutput run(float[] yDec, int m, int h, int w, int width, int height);

    /**
     * As {@link #run(float[], int, int, int, int, int)} with a request's post-processing settings in place of
     * the pack's. Kinds that read no settings ignore them: {@link TaskOptions#checkApplies} refuses those
     * requests before any decoding.
     */
    default AdaptorOutput run(float[] yDec, int m, int h, int w, int width, int height, TaskOptions options) {
        return run(yDec, m, h, w, width, height);
    }

    /**
     * The warm-up before the adaptor may serve: the pack's bundled self-test when it has one (its latent must
     * have {@code m} channels; the output must match the expected one within the pack's tolerances),
     * otherwise (version 1 image packs) a dry run on zeros checking the output shape.
     *
     * @throws dev.lic.api.LicException INVALID_PACK with the reason
     */
    void selfTest(int m);

    @Override
    void close();
}
