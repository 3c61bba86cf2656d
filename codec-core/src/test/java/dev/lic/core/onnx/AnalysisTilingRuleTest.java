package dev.lic.core.onnx;

import dev.lic.core.MemoryModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tile geometry of {@link AnalysisTiling}: cores partition each side, every window has one length,
 * stays inside the image and gives its core at least {@code margin} positions of context on each inner side.
 */
class AnalysisTilingRuleTest {
    @Test
    void windowsCoverEveryCoreWithItsMarginAndStayInside() {
        for (AnalysisTiling tiling : new AnalysisTiling[] {AnalysisTiling.DEFAULT, new AnalysisTiling(4, 3),
            new AnalysisTiling(5, 0), new AnalysisTiling(16, 2)}) {
            for (int n = 1; n <= 260; n++) {
                int[] bounds = tiling.coreBounds(n);
                int window = tiling.window(n);
                assertThat(bounds[0]).isZero();
                assertThat(bounds[bounds.length - 1]).isEqualTo(n);
                assertThat(window).isLessThanOrEqualTo(n).isLessThanOrEqualTo(tiling.core() + 2 * tiling.margin());
                for (int i = 0; i + 1 < bounds.length; i++) {
                    int r0 = bounds[i];
                    int r1 = bounds[i + 1];
                    assertThat(r1 - r0).isBetween(1, tiling.core());
                    int start = tiling.windowStart(r0, n);
                    assertThat(start).isBetween(0, n - window);
                    assertThat(r0 - start).isGreaterThanOrEqualTo(Math.min(r0, tiling.margin()));
                    assertThat(start + window - r1).isGreaterThanOrEqualTo(Math.min(n - r1, tiling.margin()));
                }
            }
        }
    }

    @Test
    void imagesThatFitOneTileRunWhole() {
        AnalysisTiling t = AnalysisTiling.DEFAULT;
        assertThat(t.whole(8, 12)).isTrue(); // Kodak 768x512
        assertThat(t.whole(12, 8)).isTrue();
        assertThat(t.whole(14, 14)).isTrue(); // 896x896
        assertThat(t.whole(15, 14)).isFalse();
        assertThat(t.tileCount(64, 64)).isEqualTo(64); // 4096x4096: 8 x 8 tiles
        assertThat(t.maxTilePixels(64, 64)).isEqualTo(896L * 896);
        assertThat(t.maxTilePixels(8, 12)).isEqualTo(512L * 768);
        assertThat(t.maxTilePixels(1, 150)).isEqualTo(64L * 64 * 150); // a strip within 14^2 positions: whole
        assertThat(t.maxTilePixels(2, 256)).isEqualTo(2 * 64L * 14 * 64);
        // The estimate the server admits by: one tile's scratch, not the image's (9.5 GB measured untiled).
        assertThat(MemoryModel.encodeBytes(4096, 4096, t)).isEqualTo(MemoryModel.FIXED_BYTES
                + MemoryModel.ENCODE_BYTES_PER_PIXEL * 4096 * 4096 + MemoryModel.ANALYSIS_BYTES_PER_PIXEL * 896 * 896)
                .isLessThan(1200L << 20);
        assertThat(MemoryModel.encodeBytes(768, 512, t)).isEqualTo(MemoryModel.FIXED_BYTES
                + (MemoryModel.ENCODE_BYTES_PER_PIXEL + MemoryModel.ANALYSIS_BYTES_PER_PIXEL) * 768 * 512);
        assertThatThrownBy(() -> new AnalysisTiling(0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisTiling(8, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
