package dev.lic.core.pipeline;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatentQuantizerTest {
    @Test
    void roundsZHalfUpExactly() {
        // 0.49999997f + 0.5f rounds to 1.0f in float32; in double it stays below 1, as floor(z + 1/2) means.
        float[] z = {0.5f, -0.5f, 1.5f, -1.5f, 0.49999997f, -0.50000006f, 2.4f, 1e10f, -1e10f};
        assertThat(LatentQuantizer.roundZ(z))
                .containsExactly(1, 0, 2, -1, 0, -1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE);
    }

    @Test
    void quantisesYAroundTheMean() {
        int f = 8;
        float[] y = {1.0f, 1.0f, -3.2f, 0.6f};
        int[] mean = {128, 0, -256, 26}; // 0.5, 0, -1, 0.1015625
        // floor(1 - 0.5 + 0.5) = 1, floor(1.5) = 1, floor(-3.2 + 1 + 0.5) = -2, floor(0.6 - 0.1015625 + 0.5) = 0
        assertThat(LatentQuantizer.quantizeY(y, mean, f)).containsExactly(1, 1, -2, 0);
    }

    @Test
    void reconstructsYWithOneRounding() {
        int[] q = {1, -2, 16_777_217};
        int[] mean = {128, -64, 1}; // + 0.5, - 0.25, + 1/256
        float[] yHat = LatentQuantizer.reconstructY(q, mean, 8);
        assertThat(yHat).containsExactly(1.5f, -2.25f, (float) (16_777_217 + 1 / 256.0));
    }

    @Test
    void nonFiniteLatentsAreInternalErrors() {
        assertThatThrownBy(() -> LatentQuantizer.roundZ(new float[] {Float.NaN}))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
        assertThat(LatentQuantizer.roundZ(new float[] {Float.POSITIVE_INFINITY})).containsExactly(Integer.MAX_VALUE);
    }
}
