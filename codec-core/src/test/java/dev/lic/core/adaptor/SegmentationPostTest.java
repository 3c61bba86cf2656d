package dev.lic.core.adaptor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Upsampling, argmax, crop and fractions of the segmentation rule on hand-made logits. */
class SegmentationPostTest {
    private static final List<String> ABC = List.of("a", "b", "c");

    @Test
    void nearestRepeatsEachLogitCellAndCropsThePadding() {
        // 2 classes, logits 1x2 at stride 2: cell 0 -> class 0, cell 1 -> class 1; image 3x2 (padded 4x2)
        float[] logits = {1, 0, /* class 1 */ 0, 1};
        SegmentationOutput out = SegmentationPost.run(logits, 2, 1, 2, new SegmentationPost.Params(2, false), 3, 2,
                List.of("a", "b"));
        assertThat(out.classMap()).containsExactly(0, 0, 1, 0, 0, 1);
        assertThat(out.fractions()).containsExactly(new double[] {4 / 6.0, 2 / 6.0}, within(1e-12));
        assertThat(out.bytesPerPixel()).isEqualTo(1);
    }

    @Test
    void bilinearUsesHalfPixelCentresLikeAlignCornersFalse() {
        // class 0 logit ramps 0 -> 4 over two cells at stride 4; class 1 is a constant 1.5.
        // Pixel x: src = (x + 0.5)/4 - 0.5 clamped at 0; value = 4 * src for src in [0,1], 4 beyond.
        float[] logits = {0, 4, /* class 1 */ 1.5f, 1.5f};
        SegmentationOutput out = SegmentationPost.run(logits, 2, 1, 2, new SegmentationPost.Params(4, true), 8, 1,
                List.of("a", "b"));
        // x=0..3: src 0,0,0.125,0.375 -> 0,0,0.5,1.5 (tie at x=3 -> lower index 0); x=4: 2.5 -> class 0
        assertThat(out.classMap()).containsExactly(1, 1, 1, 0, 0, 0, 0, 0);
        int[] i0 = new int[8];
        int[] i1 = new int[8];
        double[] w = new double[8];
        SegmentationPost.axis(8, 2, 4, true, i0, i1, w);
        assertThat(w).containsExactly(new double[] {0, 0, 0.125, 0.375, 0.625, 0.875, 0.125, 0.375}, within(1e-12));
        assertThat(i1).containsExactly(1, 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void argmaxTiesGoToTheLowerClassAndMoreThan256ClassesUseTwoBytes() {
        SegmentationOutput tie = SegmentationPost.run(new float[] {2, 2, 2}, 3, 1, 1,
                new SegmentationPost.Params(1, false), 1, 1, ABC);
        assertThat(tie.classAt(0)).isZero();
        int k = 300;
        float[] logits = new float[k];
        logits[299] = 1;
        SegmentationOutput wide = SegmentationPost.run(logits, k, 1, 1, new SegmentationPost.Params(16, true), 5, 3,
                java.util.Collections.nCopies(k, "x"));
        assertThat(wide.bytesPerPixel()).isEqualTo(2);
        assertThat(wide.classMap()).hasSize(30);
        assertThat(wide.classAt(14)).isEqualTo(299);
        assertThat(wide.fractions()[299]).isEqualTo(1.0);
    }

    @Test
    void logitsSizeRoundsUp() {
        assertThat(SegmentationPost.logitsSize(96, 16)).isEqualTo(6);
        assertThat(SegmentationPost.logitsSize(96, 32)).isEqualTo(3);
        assertThat(SegmentationPost.logitsSize(80, 32)).isEqualTo(3);
    }
}
