package dev.lic.core.pipeline;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InverseGainTest {
    @Test
    void scalesEachChannelPlaneByItsOwnFactor() {
        float[] y = {1, 2, 3, 4, 1, 2, 3, 4, -1, 0, 0.5f, 8};
        InverseGain.apply(y, new float[] {2f, 0.25f, 3f});
        assertThat(y).containsExactly(2, 4, 6, 8, 0.25f, 0.5f, 0.75f, 1, -3, 0, 1.5f, 24);
    }

    @Test
    void isOneBinary32ProductRoundedToNearestEven() {
        // The exact product of two floats fits a double, so rounding it once to float is the spec's result.
        Random random = new Random(3);
        float[] y = new float[4 * 50];
        float[] g = new float[4];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (random.nextGaussian() * 40);
        }
        for (int c = 0; c < g.length; c++) {
            g[c] = (float) Math.exp(random.nextGaussian());
        }
        float[] expected = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            expected[i] = (float) ((double) y[i] * g[i / 50]);
        }
        InverseGain.apply(y, g);
        assertThat(y).containsExactly(expected);
    }

    @Test
    void refusesLatentsThatDoNotSplitIntoTheChannels() {
        assertThatThrownBy(() -> InverseGain.apply(new float[7], new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InverseGain.apply(new float[3], new float[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
