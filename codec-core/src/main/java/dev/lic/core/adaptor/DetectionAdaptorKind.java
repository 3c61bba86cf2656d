package dev.lic.core.adaptor;

import dev.lic.api.ErrorKind;
import dev.lic.api.LatentGrid;
import dev.lic.api.LicException;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.TaskGraphSession;
import dev.lic.core.pack.AdaptorPack;

import java.util.List;

/**
 * The {@code detection} task: the graph's raw predictions {@code [1, A, D]} (docs/adaptor-pack.md,
 * "detection"), decoded and filtered in Java by {@link DetectionPost}.
 */
final class DetectionAdaptorKind implements AdaptorKind {
    @Override
    public String task() {
        return DETECTION;
    }

    @Override
    public TaskAdaptor open(AdaptorPack pack, SessionConfig config) {
        String what = "pack " + pack.source().describe();
        DetectionPost.Params params = DetectionPost.parse(pack.postprocess(), what);
        return new Adaptor(pack, params, new TaskGraphSession(pack, config));
    }

    static final class Adaptor implements TaskAdaptor {
        private final AdaptorPack pack;
        private final DetectionPost.Params params;
        private final TaskGraphSession session;
        private final List<String> labels;

        Adaptor(AdaptorPack pack, DetectionPost.Params params, TaskGraphSession session) {
            this.pack = pack;
            this.params = params;
            this.session = session;
            this.labels = pack.labels();
        }

        DetectionPost.Params params() {
            return params;
        }

        @Override
        public String task() {
            return DETECTION;
        }

        @Override
        public AdaptorOutput run(float[] yDec, int m, int h, int w, int width, int height) {
            return run(yDec, m, h, w, width, height, TaskOptions.NONE);
        }

        @Override
        public AdaptorOutput run(float[] yDec, int m, int h, int w, int width, int height, TaskOptions options) {
            DetectionPost.Params params = options.applyTo(this.params);
            TaskGraphSession.Result r = session.run(yDec, m, h, w);
            int d = DetectionPost.valuesPerAnchor(params, labels.size());
            int pw = LatentGrid.Y_STRIDE * w;
            int ph = LatentGrid.Y_STRIDE * h;
            double[] frame = DetectionPost.frame(params, pw, ph);
            long anchors;
            if (params.decode() == DetectionPost.Decode.YOLOX) {
                anchors = DetectionPost.anchorCount(params.strides(), (int) frame[0], (int) frame[1]);
            } else if (r.shape().length == 3) {
                anchors = r.shape()[1];
            } else {
                throw new LicException(ErrorKind.INVALID_PACK, "pack " + pack.source().describe()
                        + ": predictions must be [1, A, " + d + "]");
            }
            session.expectShape(r, 1, anchors, d);
            return new DetectionOutput(DetectionPost.run(r.values(), params, labels, pw, ph, width, height),
                    width, height, labels);
        }

        @Override
        public void selfTest(int m) {
            SelfTests.run(pack, this, m);
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
