package dev.lic.core.adaptor;

import dev.lic.api.LatentGrid;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.TaskGraphSession;
import dev.lic.core.pack.AdaptorPack;

/**
 * The {@code segmentation} task: the graph's logits {@code [1, K, ceil(16h/stride), ceil(16w/stride)]}
 * (K = the number of labels), upsampled, argmaxed and cropped in Java by {@link SegmentationPost}.
 */
final class SegmentationAdaptorKind implements AdaptorKind {
    @Override
    public String task() {
        return SEGMENTATION;
    }

    @Override
    public TaskAdaptor open(AdaptorPack pack, SessionConfig config) {
        SegmentationPost.Params params = SegmentationPost.parse(pack.postprocess(), "pack " + pack.source().describe());
        TaskGraphSession session = new TaskGraphSession(pack, config);
        int k = pack.labels().size();
        return new TaskAdaptor() {
            @Override
            public String task() {
                return SEGMENTATION;
            }

            @Override
            public AdaptorOutput run(float[] yDec, int m, int h, int w, int width, int height) {
                TaskGraphSession.Result r = session.run(yDec, m, h, w);
                int lh = SegmentationPost.logitsSize(LatentGrid.Y_STRIDE * h, params.stride());
                int lw = SegmentationPost.logitsSize(LatentGrid.Y_STRIDE * w, params.stride());
                session.expectShape(r, 1, k, lh, lw);
                return SegmentationPost.run(r.values(), k, lh, lw, params, width, height, pack.labels());
            }

            @Override
            public void selfTest(int m) {
                SelfTests.run(pack, this, m);
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }
}
