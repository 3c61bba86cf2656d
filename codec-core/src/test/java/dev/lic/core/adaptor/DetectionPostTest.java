package dev.lic.core.adaptor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Box decoding, geometry, clipping and class-wise NMS of docs/adaptor-pack.md on hand-made cases. */
class DetectionPostTest {
    private static final DetectionPost.Params YOLOX_PADDED = new DetectionPost.Params(DetectionPost.Decode.YOLOX,
            new int[] {8, 16}, false, DetectionPost.Geometry.PADDED, 0, 0, 0.25, 0.45, 100);

    private static DetectionPost.Candidate box(double score, int anchor, int cls, double x0, double y0, double x1,
                                               double y1) {
        return new DetectionPost.Candidate(score, anchor, cls, x0, y0, x1, y1);
    }

    @Test
    void anchorsPerStrideRoundUp() {
        assertThat(DetectionPost.anchorCount(new int[] {8, 16, 32}, 416, 416)).isEqualTo(3549); // YOLOX-nano
        assertThat(DetectionPost.anchorCount(new int[] {8, 16, 32}, 64, 64)).isEqualTo(84);
        assertThat(DetectionPost.anchorCount(new int[] {32}, 48, 40)).isEqualTo(4);
    }

    @Test
    void yoloxRuleDecodesGridCellsRowMajorPerStride() {
        // padded 16x16: stride 8 has 2x2 cells (anchors 0..3), stride 16 one cell (anchor 4); 1 class.
        float[] raw = new float[5 * 6];
        // anchor 3 = stride 8, cell (x=1, y=1): centre (0.5+1)*8 = 12, size exp(ln 2)*8 = 16, score 0.5*0.8
        set(raw, 3, 6, 0.5f, 0.5f, (float) Math.log(2), (float) Math.log(2), 0.5f, 0.8f);
        // anchor 4 = stride 16, cell (0,0): centre (0.25*16, 0.5*16) = (4, 8), size 16 x 8, score 0.3*1.0
        set(raw, 4, 6, 0.25f, 0.5f, 0f, (float) Math.log(0.5), 0.3f, 1f);
        // anchor 0: below the threshold (0.4 * 0.5 = 0.2)
        set(raw, 0, 6, 0f, 0f, 0f, 0f, 0.4f, 0.5f);
        List<DetectionPost.Candidate> c = DetectionPost.decode(raw, 5, YOLOX_PADDED, 1,
                DetectionPost.frame(YOLOX_PADDED, 16, 16), 16, 16);
        assertThat(c).hasSize(2);
        assertThat(c.get(0).anchor()).isEqualTo(3);
        assertThat(c.get(0).score()).isCloseTo(0.4, within(1e-6));
        assertBox(c.get(0), 4, 4, 16, 16);
        assertThat(c.get(1).anchor()).isEqualTo(4);
        assertBox(c.get(1), 0, 4, 12, 12); // x0 = 4 - 8 = -4, clipped to 0
    }

    @Test
    void bestClassTimesObjectnessAndSigmoidActivation() {
        DetectionPost.Params p = new DetectionPost.Params(DetectionPost.Decode.YOLOX, new int[] {16}, true,
                DetectionPost.Geometry.PADDED, 0, 0, 0.25, 0.45, 100);
        float[] raw = new float[8];
        set(raw, 0, 8, 0f, 0f, 0f, 0f, 0f, -2f, 1f, 0f); // sigmoid(0)=0.5 x sigmoid(1)=0.731 -> class 1
        List<DetectionPost.Candidate> c = DetectionPost.decode(raw, 1, p, 3, DetectionPost.frame(p, 16, 16), 16, 16);
        assertThat(c).singleElement().satisfies(d -> {
            assertThat(d.cls()).isEqualTo(1);
            assertThat(d.score()).isCloseTo(0.5 / (1 + Math.exp(-1)), within(1e-9));
        });
    }

    @Test
    void letterboxAndStretchMapBackToOriginalPixelsAndClip() {
        DetectionPost.Params box = new DetectionPost.Params(DetectionPost.Decode.XYXY, new int[0], false,
                DetectionPost.Geometry.LETTERBOX, 64, 64, 0.25, 0.45, 100);
        // padded 128x64 -> letterbox scale min(64/128, 64/64) = 0.5: input (10,10)-(60,40) -> (20,20)-(120,80)
        double[] frame = DetectionPost.frame(box, 128, 64);
        assertThat(frame).containsExactly(64, 64, 0.5, 0.5);
        float[] raw = {10, 10, 60, 40, 0.9f, 40, 10, 64, 20, 0.9f, 63, 0, 64, 5, 0.9f};
        List<DetectionPost.Candidate> c = DetectionPost.decode(raw, 3, box, 1, frame, 100, 60);
        assertThat(c).hasSize(2); // the third maps to x >= 126, outside a 100-wide image: dropped
        assertBox(c.get(0), 20, 20, 100, 60);  // clipped to 100x60
        assertBox(c.get(1), 80, 20, 100, 40);
    }

    @Test
    void stretchScalesEachAxis() {
        DetectionPost.Params p = new DetectionPost.Params(DetectionPost.Decode.XYXY, new int[0], false,
                DetectionPost.Geometry.STRETCH, 32, 32, 0.0, 0.45, 100);
        double[] frame = DetectionPost.frame(p, 64, 128);
        assertThat(frame).containsExactly(32, 32, 0.5, 0.25);
        List<DetectionPost.Candidate> c = DetectionPost.decode(new float[] {4, 4, 8, 8, 1}, 1, p, 1, frame, 64, 128);
        assertBox(c.get(0), 8, 16, 16, 32);
    }

    @Test
    void iouOfHandMadeBoxes() {
        assertThat(DetectionPost.iou(box(1, 0, 0, 0, 0, 10, 10), box(1, 1, 0, 5, 0, 15, 10)))
                .isCloseTo(50.0 / 150, within(1e-12));
        assertThat(DetectionPost.iou(box(1, 0, 0, 0, 0, 10, 10), box(1, 1, 0, 10, 10, 20, 20))).isZero();
        assertThat(DetectionPost.iou(box(1, 0, 0, 0, 0, 10, 10), box(1, 1, 0, 0, 0, 10, 10))).isEqualTo(1.0);
    }

    @Test
    void nmsIsClassWiseGreedyByScoreWithAnchorTieBreakAndCap() {
        List<DetectionPost.Candidate> in = List.of(
                box(0.6, 5, 0, 1, 0, 11, 10),    // IoU with the 0.9 box: 90/110 = 0.82 -> suppressed
                box(0.9, 7, 0, 0, 0, 10, 10),
                box(0.8, 1, 1, 0, 0, 10, 10),    // other class: kept although identical
                box(0.7, 9, 0, 20, 20, 30, 30),  // no overlap: kept
                box(0.7, 2, 0, 40, 40, 50, 50),  // same score as anchor 9: anchor 2 first
                box(0.5, 3, 0, 5, 0, 15, 10));   // IoU 1/3 with the 0.9 box: kept at 0.45
        List<DetectionPost.Candidate> out = DetectionPost.nms(in, 0.45, 100);
        assertThat(out).extracting(DetectionPost.Candidate::anchor).containsExactly(7, 1, 2, 9, 3);
        assertThat(DetectionPost.nms(in, 0.45, 2)).extracting(DetectionPost.Candidate::anchor).containsExactly(7, 1);
        assertThat(DetectionPost.nms(in, 0.3, 100)).extracting(DetectionPost.Candidate::anchor)
                .containsExactly(7, 1, 2, 9); // 1/3 > 0.3
    }

    @Test
    void runLabelsTheKeptBoxes() {
        float[] raw = new float[5 * 6];
        set(raw, 3, 6, 0.5f, 0.5f, 0f, 0f, 1f, 0.9f);
        List<Detection> d = DetectionPost.run(raw, YOLOX_PADDED, List.of("cat"), 16, 16, 15, 15);
        assertThat(d).containsExactly(new Detection(0, "cat", 0.9f, 8, 8, 15, 15));
    }

    @Test
    void parseChecksTheManifestFields() throws Exception {
        ObjectMapper json = new ObjectMapper();
        DetectionPost.Params p = DetectionPost.parse(json.readTree("""
                {"decode":"yolox","strides":[8,16,32],"score_activation":"none",
                 "geometry":{"mode":"letterbox","width":416,"height":416},
                 "score_threshold":0.25,"iou_threshold":0.45,"max_detections":100}"""), "p");
        assertThat(p.strides()).containsExactly(8, 16, 32);
        assertThat(p.geometry()).isEqualTo(DetectionPost.Geometry.LETTERBOX);
        assertThat(p.inputWidth()).isEqualTo(416);
        for (String bad : List.of("{\"decode\":\"ssd\"}",
                "{\"decode\":\"yolox\",\"strides\":[],\"score_threshold\":0.2,\"iou_threshold\":0.4,\"max_detections\":5}",
                "{\"decode\":\"xyxy\",\"score_threshold\":1.5,\"iou_threshold\":0.4,\"max_detections\":5}",
                "{\"decode\":\"xyxy\",\"geometry\":{\"mode\":\"letterbox\"},\"score_threshold\":0.2,"
                        + "\"iou_threshold\":0.4,\"max_detections\":5}",
                "{\"decode\":\"xyxy\",\"score_threshold\":0.2,\"iou_threshold\":0.4,\"max_detections\":0}")) {
            assertThatThrownBy(() -> DetectionPost.parse(json.readTree(bad), "p"))
                    .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PACK));
        }
    }

    private static void set(float[] raw, int anchor, int d, float... values) {
        System.arraycopy(values, 0, raw, anchor * d, values.length);
    }

    private static void assertBox(DetectionPost.Candidate c, double x0, double y0, double x1, double y1) {
        assertThat(new double[] {c.x0(), c.y0(), c.x1(), c.y1()}).containsExactly(new double[] {x0, y0, x1, y1},
                within(1e-5));
    }
}
