package dev.lic.core.adaptor;

import dev.lic.api.ErrorKind;
import dev.lic.api.LatentGrid;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.image.RgbImage;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.SynthesisSession;
import dev.lic.core.onnx.SynthesisTiling;
import dev.lic.core.pack.AdaptorPack;

/**
 * The {@code image} task: {@code synthesis.onnx} (or {@code graph.file}), {@code y_hat [1,M,h,w]} to RGB
 * {@code [1,3,16h,16w]}. The warm-up is the pack's self-test when it has one, else the dry run.
 */
final class ImageAdaptorKind implements AdaptorKind {
    /** The dry run's latent is {@code M x SELF_TEST_SIDE x SELF_TEST_SIDE} zeros. */
    static final int SELF_TEST_SIDE = 2;

    @Override
    public String task() {
        return IMAGE;
    }

    @Override
    public TaskAdaptor open(AdaptorPack pack, SessionConfig config) {
        SynthesisSession session = new SynthesisSession(pack, config);
        String what = "pack " + pack.source().describe() + ": " + pack.graphFile();
        return new ImageAdaptor() {
            @Override
            public String task() {
                return IMAGE;
            }

            @Override
            public AdaptorOutput run(float[] yDec, int m, int h, int w, int width, int height) {
                return new ImageOutput(session.run(yDec, m, h, w), LatentGrid.Y_STRIDE * w, LatentGrid.Y_STRIDE * h);
            }

            @Override
            public RgbImage image(float[] yDec, int m, int h, int w, int width, int height, SynthesisTiling tiling,
                                  Cancellation cancellation) {
                return session.synthesize(yDec, m, h, w, width, height, tiling, cancellation);
            }

            @Override
            public void selfTest(int m) {
                if (SelfTests.run(pack, this, m)) {
                    return;
                }
                int s = SELF_TEST_SIDE;
                float[] planes;
                try {
                    planes = session.run(new float[m * s * s], m, s, s); // checks [1,3,16s,16s]
                } catch (LicException e) {
                    throw new LicException(ErrorKind.INVALID_PACK, "dry run on a latent [1," + m + "," + s + "," + s
                            + "] failed: " + e.getMessage(), e);
                }
                for (float v : planes) {
                    if (!Float.isFinite(v)) {
                        throw new LicException(ErrorKind.INVALID_PACK, what + ": dry run gave a value that is not"
                                + " finite");
                    }
                }
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }
}
